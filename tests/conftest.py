"""Shared test set-up: no test may touch the developer's real keyring."""

import os

# Set before anything imports keyring, so every test and every server child sees "no keyring".
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
