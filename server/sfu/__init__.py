"""The media core: a forwarding SFU on aiortc behind the MediaEngine interface (engine.py)."""

from server.sfu.engine import MediaEngine, MediaError, MediaEvents
from server.sfu.sfu import SfuEngine

__all__ = ["MediaEngine", "MediaError", "MediaEvents", "SfuEngine"]
