"""Playing remote audio: every participant mixed onto one output device through PortAudio."""

from __future__ import annotations

import logging
import threading
from array import array
from typing import Any

import av

from app.core.media.mixer import AudioMixer
from app.core.media.notices import NO_PORTAUDIO, NO_SPEAKER
from app.core.media.portaudio import RATE, PortAudio, close_stream

_log = logging.getLogger(__name__)


class AudioPlayer:
    """Mixes what `feed` receives and plays it; a cheap no-op where nothing can play."""

    def __init__(
        self, device_id: str | None = None, *, max_buffered_ms: int = 200, prefill_ms: int = 40
    ) -> None:
        self.mixer = AudioMixer(max_buffered_ms=max_buffered_ms, prefill_ms=prefill_ms)
        self.problem: str | None = None  # why nothing plays, as a sentence for the user
        self._stream: Any = None
        self._channels = 1
        self._lock = threading.Lock()
        portaudio, error = PortAudio.load()
        if portaudio is None:
            self.problem = NO_PORTAUDIO
            _log.info("audio player unavailable: %s", error)
            return
        self._open(portaudio, device_id)

    @property
    def available(self) -> bool:
        """True while audio is being played to a device."""
        return self._stream is not None and self.problem is None

    def feed(self, participant: str, frame: av.AudioFrame) -> None:
        """Queue one decoded frame from `participant` (any rate or layout)."""
        if not self.available:
            return
        self.mixer.push(participant, frame)

    def forget(self, participant: str) -> None:
        """Drop what is buffered for someone who left."""
        self.mixer.forget(participant)

    def close(self) -> None:
        """Stop playing and release the device; safe to call twice."""
        with self._lock:
            stream, self._stream = self._stream, None
        if stream is not None:
            close_stream(stream, "speaker")

    def _open(self, portaudio: PortAudio, device_id: str | None) -> None:
        endpoint = portaudio.find(device_id, "output")
        if endpoint is None:
            if device_id is None:
                self.problem = NO_SPEAKER
            else:
                self.problem = "The chosen speaker isn't connected: you won't hear others."
            return
        channels = portaudio.channels_for(endpoint, "output")
        if channels is None:
            self.problem = f"{endpoint.name} can't play 48 kHz audio: you won't hear others."
            return
        self._channels = channels
        try:
            stream = portaudio.sd.RawOutputStream(
                device=endpoint.index,
                samplerate=RATE,
                channels=channels,
                dtype="int16",
                latency="low",
                callback=self._fill,
                finished_callback=self._finished,
            )
            stream.start()
        except Exception as exc:  # PortAudioError: busy, unplugged or refused
            self.problem = f"{endpoint.name} could not be opened: you won't hear others."
            _log.warning("could not open %s: %s", endpoint.id, exc)
            return
        self._stream = stream

    def _fill(self, outdata: Any, frames: int, _time: Any, _status: Any) -> None:
        # PortAudio's thread: must never raise and must not wait on the event loop.
        try:
            mixed = self.mixer.pull(frames)
            if self._channels == 2:
                stereo = array("h", bytes(4 * frames))
                stereo[0::2] = mixed
                stereo[1::2] = mixed
                mixed = stereo
            outdata[:] = mixed.tobytes()
        except Exception:
            _log.exception("audio output callback failed")
            outdata[:] = bytes(len(outdata))

    def _finished(self) -> None:
        # Called on PortAudio's thread when the stream ends, also when we close it ourselves.
        with self._lock:
            if self._stream is not None:
                self.problem = "The speaker stopped working: you won't hear others."
