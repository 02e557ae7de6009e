"""podium-bot as bench/client_grid.py runs it: it sends as usual but decodes nothing it receives.

The bots stand in for people on other machines. Nine real bots would each also decode the other
eight's video, seventy-two decoders on the one machine the app is measured on, and leave the app
too little CPU to receive what it is sent. So here aiortc's decoder thread drops what it is given.
Everything else (joining, the test pattern, its encoder, leaving after --seconds) is podium-bot.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from typing import Any

import aiortc.rtcrtpreceiver

from app.bot import main


def drop_everything(
    loop: asyncio.AbstractEventLoop,
    input_q: queue.Queue[Any],
    output_q: asyncio.Queue[Any],
    decode_error: threading.Event,
) -> None:
    """aiortc's decoder_worker without the decoding: take frames until told to stop."""
    while input_q.get() is not None:
        pass
    asyncio.run_coroutine_threadsafe(output_q.put(None), loop)


if __name__ == "__main__":
    aiortc.rtcrtpreceiver.decoder_worker = drop_everything  # type: ignore[assignment]
    main()
