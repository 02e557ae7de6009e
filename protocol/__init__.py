"""Wire messages shared by the Podium client and server (stdlib only)."""
