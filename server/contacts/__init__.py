"""The address book: contacts a user keeps for themself, CSV import and export."""
