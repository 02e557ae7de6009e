"""Where the app keeps its settings and the bundled server keeps its data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "podium"
DATA_DIR_ENV = "PODIUM_DATA_DIR"
CONFIG_DIR_ENV = "PODIUM_CONFIG_DIR"


@dataclass(frozen=True)
class AppPaths:
    """The two folders the client uses."""

    data_dir: Path
    config_dir: Path

    @property
    def server_data_dir(self) -> Path:
        """The bundled server's --data-dir."""
        return self.data_dir / "server"


def resolve_paths(data_dir: str | None, config_dir: str | None, env: Mapping[str, str]) -> AppPaths:
    """Command-line options win over environment variables, which win over the OS defaults."""
    data = data_dir or env.get(DATA_DIR_ENV) or user_data_dir(APP_NAME, appauthor=False)
    config = config_dir or env.get(CONFIG_DIR_ENV) or user_config_dir(APP_NAME, appauthor=False)
    return AppPaths(data_dir=Path(data).expanduser(), config_dir=Path(config).expanduser())
