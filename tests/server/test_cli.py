"""podium-server as a process: start-up, refusal of a wrong key, TLS."""

from __future__ import annotations

import ssl
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from server.settings import Settings, SettingsError, settings_from_config
from server.store.keystore import KEY_FILE_NAME
from tests.server.live_server import live_server


def run_server(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", "--port", "0", "--exit-with-stdin", *args],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_serves_health_and_stops_when_stdin_closes(tmp_path: Path) -> None:
    with live_server(tmp_path) as url:
        assert url.startswith("http://127.0.0.1:")
        assert requests.get(f"{url}/api/v1/health", timeout=10).json() == {"status": "ok"}
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/api/v1/health", timeout=10)


def test_wrong_key_exits_non_zero_with_a_clear_message(tmp_path: Path) -> None:
    with live_server(tmp_path) as url:
        requests.post(
            f"{url}/api/v1/accounts",
            timeout=30,
            json={
                "first_name": "A",
                "last_name": "B",
                "username": "keeper",
                "email": "keeper@example.org",
                "password": "keep-my-data-1",
            },
        ).raise_for_status()
    database = tmp_path / "podium.db"
    before = database.read_bytes()
    (tmp_path / KEY_FILE_NAME).write_text("00" * 32 + "\n")
    result = run_server("--data-dir", str(tmp_path))
    assert result.returncode != 0
    assert "key is wrong" in result.stderr
    assert "Traceback" not in result.stderr
    assert database.read_bytes() == before


def test_missing_key_exits_non_zero(tmp_path: Path) -> None:
    with live_server(tmp_path):
        pass
    (tmp_path / KEY_FILE_NAME).unlink()
    result = run_server("--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert "its key is in neither" in result.stderr


def test_bad_config_is_a_one_line_error(tmp_path: Path) -> None:
    config = tmp_path / "server.toml"
    config.write_text("[accounts]\nrequired_fields = ['shoe_size']\n")
    result = run_server("--data-dir", str(tmp_path), "--config", str(config))
    assert result.returncode == 2
    assert result.stderr.strip() == "podium-server: unknown required field(s): shoe_size"


def test_tls_with_a_self_signed_certificate(tmp_path: Path) -> None:
    config = tmp_path / "server.toml"
    config.write_text("[tls]\nalways = true\n")
    with live_server(tmp_path / "data", "--config", str(config)) as url:
        assert url.startswith("https://127.0.0.1:")
        cert = tmp_path / "data" / "tls" / "cert.pem"
        assert requests.get(f"{url}/api/v1/health", verify=str(cert), timeout=10).ok
        # Plain HTTP on the TLS port gets no answer.
        with pytest.raises(requests.ConnectionError):
            requests.get(url.replace("https", "http") + "/api/v1/health", timeout=10)
        # And an unpinned client refuses the self-signed certificate.
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(f"{url}/api/v1/health", timeout=10)
    assert ssl.PEM_cert_to_DER_cert(cert.read_text())


def test_tls_is_the_default_off_loopback(tmp_path: Path) -> None:
    assert not Settings(data_dir=tmp_path).serves_tls
    assert not Settings(data_dir=tmp_path, host="::1").serves_tls
    assert Settings(data_dir=tmp_path, host="192.0.2.10").serves_tls
    assert Settings(data_dir=tmp_path, host="0.0.0.0").serves_tls
    assert not Settings(data_dir=tmp_path, host="0.0.0.0", insecure=True).serves_tls


def test_config_values_and_command_line_precedence(tmp_path: Path) -> None:
    config = {
        "server": {"host": "0.0.0.0", "port": 9000},
        "accounts": {"required_fields": ["phone"]},
    }
    settings = settings_from_config(tmp_path, config, port=9100)
    assert (settings.host, settings.port) == ("0.0.0.0", 9100)
    assert "phone" in settings.required_fields and "email" in settings.required_fields
    with pytest.raises(SettingsError):
        settings_from_config(tmp_path, {"server": {"port": 70000}})


def test_admin_info_reads_the_encrypted_store(tmp_path: Path) -> None:
    missing = subprocess.run(
        [sys.executable, "-m", "server", "--data-dir", str(tmp_path / "none"), "admin", "info"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 2 and "no Podium database" in missing.stderr
    with live_server(tmp_path) as url:
        requests.post(
            f"{url}/api/v1/accounts",
            timeout=30,
            json={
                "first_name": "A",
                "last_name": "B",
                "username": "counted",
                "email": "counted@example.org",
                "password": "count-me-in-1",
            },
        ).raise_for_status()
    result = subprocess.run(
        [sys.executable, "-m", "server", "--data-dir", str(tmp_path), "admin", "info"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "accounts: 1" in result.stdout
    assert "counted" not in result.stdout
