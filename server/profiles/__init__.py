"""Public profile pages: off until their owner turns them on, showing only what they pick."""
