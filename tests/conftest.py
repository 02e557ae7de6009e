"""Shared test set-up: no test touches the real keyring; a failed test's garbage dies here."""

import gc
import os
import sys

import pytest

# Set before anything imports keyring, so every test and every server child sees "no keyring".
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Free what a failed test left (its traceback holds its windows) on the Qt thread.

    Otherwise a collection triggered later in some worker thread (aiortc's codecs, executors)
    destroys those Qt objects off the Qt thread, and Qt then delivers a timer event to freed
    memory: the segmentation fault that stopped `make test` after a failed GUI test.
    """
    failed_before = hasattr(sys, "last_traceback")
    for name in ("last_type", "last_value", "last_traceback"):
        if hasattr(sys, name):
            delattr(sys, name)
    if failed_before:
        gc.collect()
