"""`podium` / `python -m app`: open the Podium window."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from app.cli import NO_DISPLAY_EXIT, NO_DISPLAY_MESSAGE, has_display, parse_args


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options, check for a display, then build and run the app."""
    options = parse_args(argv, os.environ)
    if not has_display(os.environ):
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        return NO_DISPLAY_EXIT
    # Imported only now: without a display, Qt must not even load (it would abort noisily).
    from app.bootstrap import run_app

    return run_app(options, os.environ)


if __name__ == "__main__":
    sys.exit(main())
