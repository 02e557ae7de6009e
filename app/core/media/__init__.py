"""Local media: devices, capture tracks for aiortc, and playback of remote audio."""
