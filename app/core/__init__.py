"""Client logic with no Qt: API client, bundled-server control, settings and secrets."""
