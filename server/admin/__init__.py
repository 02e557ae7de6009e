"""`podium-server admin ...`: operator commands run against the data directory."""
