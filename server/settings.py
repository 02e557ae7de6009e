"""Server settings: command-line flags and the optional server.toml, merged into one value."""

from __future__ import annotations

import ipaddress
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROFILE_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "username",
    "email",
    "password",
    "phone",
    "country",
    "address",
    "city",
    "state",
    "zip",
    "company",
    "title",
    "school",
)
ALWAYS_REQUIRED: frozenset[str] = frozenset(
    {"first_name", "last_name", "username", "email", "password"}
)


class SettingsError(ValueError):
    """The configuration cannot be used; the message says why."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8443
    insecure: bool = False
    tls_cert: Path | None = None
    tls_key: Path | None = None
    tls_always: bool = False  # TLS even on loopback, e.g. to test what remote clients will see
    required_fields: frozenset[str] = ALWAYS_REQUIRED
    key_source: str = "auto"  # auto: OS keyring, else a 0600 key file; "file": key file only
    session_idle_seconds: int = 14 * 24 * 3600
    session_absolute_seconds: int = 60 * 24 * 3600
    login_window_seconds: int = 15 * 60
    login_max_failures: int = 5
    # Per address: higher, since several people may share one router's address.
    login_max_failures_per_address: int = 20
    # During a flood a refused password check (429) is answered this late: the flood slows itself.
    password_refusal_delay_seconds: float = 1.0
    max_concurrent_hashes: int = 2
    max_body_bytes: int = 1024 * 1024
    # The address people reach this server at, for links in e-mail; default: what it listens on.
    public_url: str | None = None
    smtp_host: str | None = None  # no relay: mail waits in the outbox
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    mail_from: str = "Podium <podium@localhost>"
    deletion_grace_days: float = 7.0
    statistics_enabled: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = self.required_fields - set(PROFILE_FIELDS)
        if unknown:
            raise SettingsError(f"unknown required field(s): {', '.join(sorted(unknown))}")
        if not self.required_fields >= ALWAYS_REQUIRED:
            raise SettingsError(
                "first_name, last_name, username, email and password are always required"
            )
        if not 0 <= self.port <= 65535:
            raise SettingsError(f"port out of range: {self.port}")
        if self.key_source not in ("auto", "file"):
            raise SettingsError(f"key_source must be 'auto' or 'file', not {self.key_source!r}")

    @property
    def is_loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    @property
    def serves_tls(self) -> bool:
        return self.tls_always or (not self.is_loopback and not self.insecure)


def load_config_file(path: Path) -> dict[str, Any]:
    """Read server.toml; a missing or malformed file is a SettingsError."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise SettingsError(f"config file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config file {path} is not valid TOML: {exc}") from exc


def settings_from_config(data_dir: Path, config: dict[str, Any], **overrides: Any) -> Settings:
    """Build Settings from a parsed server.toml, with command-line values taking precedence."""
    server = config.get("server", {})
    tls = config.get("tls", {})
    accounts = config.get("accounts", {})
    sessions = config.get("sessions", {})
    values: dict[str, Any] = {"data_dir": data_dir}
    if "host" in server:
        values["host"] = str(server["host"])
    if "port" in server:
        values["port"] = int(server["port"])
    if "insecure" in server:
        values["insecure"] = bool(server["insecure"])
    if "key_source" in server:
        values["key_source"] = str(server["key_source"])
    if "cert" in tls:
        values["tls_cert"] = Path(tls["cert"])
    if "key" in tls:
        values["tls_key"] = Path(tls["key"])
    if "always" in tls:
        values["tls_always"] = bool(tls["always"])
    if "max_failures_per_address" in accounts:
        values["login_max_failures_per_address"] = int(accounts["max_failures_per_address"])
    if "refusal_delay_seconds" in accounts:
        values["password_refusal_delay_seconds"] = float(accounts["refusal_delay_seconds"])
    if "required_fields" in accounts:
        values["required_fields"] = ALWAYS_REQUIRED | frozenset(accounts["required_fields"])
    mail = config.get("mail", {})
    for key, name, kind in (
        ("host", "smtp_host", str),
        ("port", "smtp_port", int),
        ("username", "smtp_username", str),
        ("password", "smtp_password", str),
        ("starttls", "smtp_starttls", bool),
        ("from", "mail_from", str),
    ):
        if key in mail:
            values[name] = kind(mail[key])
    if "public_url" in server:
        values["public_url"] = str(server["public_url"]).rstrip("/")
    privacy = config.get("privacy", {})
    if "deletion_grace_days" in privacy:
        values["deletion_grace_days"] = float(privacy["deletion_grace_days"])
    if "statistics" in privacy:
        values["statistics_enabled"] = bool(privacy["statistics"])
    if "idle_days" in sessions:
        values["session_idle_seconds"] = int(float(sessions["idle_days"]) * 86400)
    if "absolute_days" in sessions:
        values["session_absolute_seconds"] = int(float(sessions["absolute_days"]) * 86400)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)
