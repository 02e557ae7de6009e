"""Podium desktop client."""
