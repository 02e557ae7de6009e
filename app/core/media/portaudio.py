"""PortAudio through sounddevice, loaded only when asked and only if the library is installed.

`import sounddevice` raises OSError when libportaudio is missing (and PortAudioError when it
cannot initialise), so nothing imports it at module level: a machine without audio still runs.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal

_log = logging.getLogger(__name__)

Direction = Literal["input", "output"]
RATE = 48000


@dataclass(frozen=True)
class AudioEndpoint:
    """One PortAudio device able to record (input) or play (output)."""

    index: int
    id: str
    name: str
    channels: int

    def __post_init__(self) -> None:
        if self.index < 0 or self.channels < 1 or not self.id:
            raise ValueError(f"not a usable audio device: {self!r}")


class PortAudio:
    """The loaded sounddevice module, with device look-ups in our own terms."""

    def __init__(self, module: ModuleType) -> None:
        self.sd = module

    @classmethod
    def load(cls) -> tuple[PortAudio | None, str | None]:
        """The library, or None and the reason it could not be loaded."""
        try:
            import sounddevice
        except OSError as exc:  # libportaudio not installed
            _log.info("no PortAudio: %s", exc)
            return None, str(exc)
        except Exception as exc:  # PortAudioError from Pa_Initialize, or a broken install
            _log.warning("PortAudio failed to start: %s", exc)
            return None, str(exc)
        return cls(sounddevice), None

    def endpoints(self, direction: Direction) -> list[AudioEndpoint]:
        """Every device with at least one channel in `direction`, default first."""
        key = "max_input_channels" if direction == "input" else "max_output_channels"
        try:
            devices = list(self.sd.query_devices())
            apis = [api["name"] for api in self.sd.query_hostapis()]
        except Exception as exc:  # a PortAudio error must not stop the app
            _log.warning("could not list audio devices: %s", exc)
            return []
        found = [
            AudioEndpoint(
                index=int(info["index"]),
                # Host API plus name survives restarts and replugging; indexes do not.
                id=f"{apis[info['hostapi']]}/{info['name']}",
                name=str(info["name"]),
                channels=int(info[key]),
            )
            for info in devices
            if int(info[key]) > 0
        ]
        default = self.default_index(direction)
        found.sort(key=lambda endpoint: endpoint.index != default)
        return found

    def default_index(self, direction: Direction) -> int | None:
        """PortAudio's default device for `direction`, if there is one."""
        try:
            info = self.sd.query_devices(kind=direction)
        except Exception:  # PortAudioError: no default device of that kind
            return None
        return int(info["index"]) if info else None

    def find(self, device_id: str | None, direction: Direction) -> AudioEndpoint | None:
        """The device with this id (None: the default, else the first); None if absent."""
        endpoints = self.endpoints(direction)
        if device_id is None:
            return endpoints[0] if endpoints else None
        return next((e for e in endpoints if e.id == device_id), None)

    def channels_for(self, endpoint: AudioEndpoint, direction: Direction) -> int | None:
        """1 if the device takes 48 kHz mono int16, else 2 if stereo works, else None."""
        check = (
            self.sd.check_input_settings if direction == "input" else self.sd.check_output_settings
        )
        for channels in (1, 2):
            if channels > endpoint.channels:
                break
            try:
                check(device=endpoint.index, channels=channels, dtype="int16", samplerate=RATE)
            except Exception:  # PortAudioError or ValueError: this layout is not supported
                continue
            return channels
        return None


def close_stream(stream: Any, name: str, timeout: float = 0.5) -> None:
    """Abort and close a stream without letting a stuck driver freeze the caller.

    PortAudio's abort waits for its audio thread, which a hung device (or a blocked read) can
    hold forever; the closing runs in its own thread and we wait for it only `timeout` seconds.
    """

    def close() -> None:
        try:
            stream.abort()
            stream.close()
        except Exception as exc:  # the device may already be gone
            _log.warning("closing %s failed: %s", name, exc)

    closer = threading.Thread(target=close, name=f"podium-close-{name}", daemon=True)
    closer.start()
    closer.join(timeout)
    if closer.is_alive():
        _log.warning("%s is stuck; it will be closed when its driver lets go", name)
