"""Widgets and windows only: they talk to view-models, never to the network or the disk."""
