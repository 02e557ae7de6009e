-- When a meeting's room was last left empty (by the server's clock), written as the server stops:
-- a meeting nobody is in ends by itself after [meetings] empty_end_minutes, also across a
-- restart. NULL for a meeting nobody has been in yet; ignored once ended_at is set.
ALTER TABLE meetings ADD COLUMN empty_since REAL;
