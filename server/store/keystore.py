"""Where the database key lives: the OS keyring, or a 0600 key file when there is no keyring."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

import keyring
import keyring.errors
from keyring.backends import fail

from server.private_files import private_dir, private_file, write_private
from server.store.database import KEY_BYTES
from server.store.errors import MissingKeyError, StoreError

log = logging.getLogger(__name__)

KEYRING_SERVICE = "podium-server"
KEY_FILE_NAME = "database.key"
DATABASE_FILE_NAME = "podium.db"


@dataclass(frozen=True)
class DatabaseKey:
    key: bytes
    source: str  # "keyring" or "file"


def database_path(data_dir: Path) -> Path:
    return data_dir / DATABASE_FILE_NAME


def load_or_create_key(data_dir: Path, *, use_keyring: bool = True) -> DatabaseKey:
    """The key of the database in `data_dir`, made and stored on first start.

    An existing database whose key cannot be found is an error: making a new key would make a
    new empty database over the old one.
    """
    # Only the server's own user may list or open what is in the data folder.
    private_dir(data_dir)
    account = str(data_dir.resolve())
    key_file = data_dir / KEY_FILE_NAME
    keyring_usable = use_keyring and _keyring_usable()

    if keyring_usable:
        stored = _keyring_get(account)
        if stored is not None:
            return DatabaseKey(_decode(stored, "the keyring entry"), "keyring")
    if key_file.exists():
        private_file(key_file)  # one made readable by others is made private again
        return DatabaseKey(_decode(key_file.read_text().strip(), str(key_file)), "file")
    if database_path(data_dir).exists():
        raise MissingKeyError(
            f"the database in {data_dir} exists but its key is in neither the keyring nor "
            f"{key_file}; restore the key (or the keyring entry) to open it"
        )

    key = secrets.token_bytes(KEY_BYTES)
    if keyring_usable:
        try:
            keyring.set_password(KEYRING_SERVICE, account, key.hex())
            return DatabaseKey(key, "keyring")
        except keyring.errors.KeyringError as exc:
            log.warning("could not store the database key in the keyring (%s)", exc)
    log.warning(
        "no OS keyring available: the database key is kept in %s (mode 0600); "
        "anyone who can read that file and the database can read the data",
        key_file,
    )
    write_private(key_file, (key.hex() + "\n").encode())
    return DatabaseKey(key, "file")


def _keyring_usable() -> bool:
    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken keyring configuration is the same as none
        return False
    return not isinstance(backend, fail.Keyring)


def _keyring_get(account: str) -> str | None:
    try:
        return keyring.get_password(KEYRING_SERVICE, account)
    except keyring.errors.KeyringError as exc:
        log.warning("could not read the keyring (%s)", exc)
        return None


def _decode(text: str, where: str) -> bytes:
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise StoreError(f"{where} does not hold a 256-bit hex key")
    return key
