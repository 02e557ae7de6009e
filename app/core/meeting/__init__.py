"""Being in a meeting, without Qt: signaling, the two peer connections, media and chat."""
