"""`podium-server` / `python -m server`."""

from server.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    main()
