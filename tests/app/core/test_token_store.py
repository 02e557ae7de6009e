"""Tokens go to the keyring when one works, and stay in memory (with a notice) when not."""

from __future__ import annotations

import keyring
from keyring.backends import fail

from app.core.token_store import SERVICE, TokenStore, usable_backend
from tests.app.memory_keyring import LockedKeyring, MemoryKeyring

URL = "http://127.0.0.1:8443"


def test_the_test_environment_has_no_keyring() -> None:
    assert isinstance(keyring.get_keyring(), fail.Keyring)
    assert not TokenStore().persistent


async def test_without_keyring_tokens_live_in_memory_only() -> None:
    store = TokenStore(fail.Keyring())
    assert not store.persistent
    assert await store.load(URL) is None
    await store.save(URL, "t1")
    assert await store.load(URL) == "t1"
    assert await TokenStore(fail.Keyring()).load(URL) is None  # the next run starts empty
    await store.delete(URL)
    assert await store.load(URL) is None


async def test_keyring_keeps_one_token_per_server() -> None:
    backend = MemoryKeyring()
    store = TokenStore(backend)
    assert store.persistent
    await store.save(URL, "t1")
    await store.save("https://podium.example.org", "t2")
    assert backend.secrets[(SERVICE, URL)] == "t1"
    assert await TokenStore(backend).load(URL) == "t1"  # survives a restart
    await store.delete(URL)
    await store.delete(URL)  # deleting twice is fine
    assert await store.load(URL) is None
    assert await store.load("https://podium.example.org") == "t2"


async def test_a_failing_keyring_falls_back_to_memory() -> None:
    store = TokenStore(LockedKeyring())
    assert store.persistent
    await store.save(URL, "t1")
    assert not store.persistent
    assert await store.load(URL) == "t1"


def test_placeholder_backends_are_not_usable() -> None:
    assert not usable_backend(fail.Keyring())
    assert usable_backend(MemoryKeyring())
