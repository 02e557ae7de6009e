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


REGISTRATION_MODES = ("open", "local")


class SettingsError(ValueError):
    """The configuration cannot be used; the message says why."""


def parse_port_range(text: str) -> tuple[int, int]:
    """'40000-40099' as (40000, 40099); SettingsError when it is not a range of UDP ports."""
    low, sep, high = text.strip().partition("-")
    try:
        first, last = int(low), int(high if sep else low)
    except ValueError:
        raise SettingsError(f"udp_ports must look like 40000-40099, not {text!r}") from None
    if not 1024 <= first <= last <= 65535:
        raise SettingsError(f"udp_ports must lie within 1024-65535, low to high, not {text!r}")
    return first, last


def parse_networks(values: list[str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Addresses or CIDR networks (trusted_proxies); SettingsError on one that is neither."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(str(value).strip(), strict=False))
        except ValueError:
            raise SettingsError(f"not an address or network: {value!r}") from None
    return tuple(networks)


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
    # "local": accounts can be registered only from this machine (the owner hosting from the
    # app); everyone else comes in with an invite, as a guest or with an existing account.
    registration: str = "open"
    # Only requests from these addresses have X-Forwarded-For/-Proto and Forwarded believed.
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    # [media]: the address announced in ICE candidates (server behind 1:1 NAT), and the UDP
    # ports every server-side ICE socket is bound in (so a firewall can be opened for them).
    media_public_ip: str | None = None
    media_udp_ports: tuple[int, int] | None = None
    # [ice]: STUN and TURN URLs handed to clients; with turn_secret, time-limited TURN
    # credentials in coturn's use-auth-secret scheme, good for turn_ttl_seconds.
    ice_stun: tuple[str, ...] = ()
    ice_turn: tuple[str, ...] = ()
    turn_secret: str | None = None
    turn_ttl_seconds: int = 24 * 3600
    deletion_grace_days: float = 7.0
    # [meetings]: a meeting nobody is connected to for this long ends by itself.
    empty_end_minutes: float = 10.0
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
        if self.registration not in REGISTRATION_MODES:
            raise SettingsError(
                f"registration must be 'open' or 'local', not {self.registration!r}"
            )
        if self.media_public_ip is not None:
            try:
                ipaddress.ip_address(self.media_public_ip)
            except ValueError:
                raise SettingsError(
                    f"public_ip must be an IP address, not {self.media_public_ip!r}"
                ) from None
        if self.turn_ttl_seconds <= 0:
            raise SettingsError("turn_ttl_seconds must be positive")
        if not self.empty_end_minutes > 0:
            raise SettingsError("empty_end_minutes must be positive")
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
    try:
        return _settings_from_config(data_dir, config, overrides)
    except SettingsError:
        raise
    except (TypeError, ValueError, AttributeError) as exc:  # a value of the wrong type
        raise SettingsError(f"a setting in the config file has the wrong type: {exc}") from exc


def _settings_from_config(
    data_dir: Path, config: dict[str, Any], overrides: dict[str, Any]
) -> Settings:
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
    if "registration" in accounts:
        values["registration"] = str(accounts["registration"])
    http = config.get("http", {})
    if "trusted_proxies" in http:
        values["trusted_proxies"] = parse_networks(list(http["trusted_proxies"]))
    media = config.get("media", {})
    if "public_ip" in media:
        values["media_public_ip"] = str(media["public_ip"])
    if "udp_ports" in media:
        values["media_udp_ports"] = parse_port_range(str(media["udp_ports"]))
    ice = config.get("ice", {})
    if "stun" in ice:
        values["ice_stun"] = tuple(str(url) for url in ice["stun"])
    if "turn" in ice:
        values["ice_turn"] = tuple(str(url) for url in ice["turn"])
    if "turn_secret" in ice:
        values["turn_secret"] = str(ice["turn_secret"])
    if "turn_ttl_seconds" in ice:
        values["turn_ttl_seconds"] = int(ice["turn_ttl_seconds"])
    meetings = config.get("meetings", {})
    if "empty_end_minutes" in meetings:
        values["empty_end_minutes"] = float(meetings["empty_end_minutes"])
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
