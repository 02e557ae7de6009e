"""Folder resolution: command line, then environment, then the OS defaults."""

from __future__ import annotations

from pathlib import Path

from app.core.paths import CONFIG_DIR_ENV, DATA_DIR_ENV, resolve_paths


def test_options_win_over_environment(tmp_path: Path) -> None:
    env = {DATA_DIR_ENV: str(tmp_path / "env-data"), CONFIG_DIR_ENV: str(tmp_path / "env-cfg")}
    paths = resolve_paths(str(tmp_path / "d"), str(tmp_path / "c"), env)
    assert (paths.data_dir, paths.config_dir) == (tmp_path / "d", tmp_path / "c")
    assert paths.server_data_dir == tmp_path / "d" / "server"


def test_environment_wins_over_defaults(tmp_path: Path) -> None:
    env = {DATA_DIR_ENV: str(tmp_path / "env-data"), CONFIG_DIR_ENV: str(tmp_path / "env-cfg")}
    paths = resolve_paths(None, None, env)
    assert (paths.data_dir, paths.config_dir) == (tmp_path / "env-data", tmp_path / "env-cfg")


def test_defaults_are_the_users_podium_folders() -> None:
    paths = resolve_paths(None, None, {})
    assert paths.data_dir.name == "podium"
    assert paths.config_dir.name == "podium"
