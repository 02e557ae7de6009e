"""GUI tests of meetings: the real window, a real server, podium-bot participants."""
