"""Render a public profile page with headless Chromium into docs/screenshots/.

`python -m tests.app.make_public_profile_screenshot` starts a real server in a temporary folder,
turns Ada's public profile on (with a bio holding markup characters, to show they are escaped)
and points Chromium at /u/ada.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path

CHROMIUM = "chromium"
PASSWORD = "analytical engine 1843"
BIO = (
    "Enchantress of numbers. I write about the Analytical Engine and what it may one day do "
    "with <music> & poetry."
)


async def shoot(out: Path) -> int:
    """Run the server, set up the profile, take the screenshot; Chromium's exit code."""
    from app.core.api import ApiClient
    from app.core.bundled_server import BundledServer

    with tempfile.TemporaryDirectory() as tmp:
        server = BundledServer(Path(tmp) / "server")
        url = await server.start()
        try:
            async with ApiClient(url) as api:
                await api.register(
                    {
                        "first_name": "Ada",
                        "last_name": "Lovelace",
                        "username": "ada",
                        "email": "ada@example.org",
                        "password": PASSWORD,
                        "phone": "+44 20 7946 0018",
                        "country": "United Kingdom",
                        "city": "London",
                        "company": "Analytical Engines",
                        "title": "Mathematician",
                    }
                )
                await api.login("ada", PASSWORD)
                fields = ["first_name", "last_name", "username", "country", "city", "company"]
                await api.set_public_profile(True, [*fields, "title"], BIO)
            process = await asyncio.create_subprocess_exec(
                shutil.which(CHROMIUM) or CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={Path(tmp) / 'chromium'}",
                f"--screenshot={out}",
                "--window-size=1000,700",
                f"{url}/u/ada",
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
            return await process.wait()
        finally:
            await server.stop()


def main() -> int:
    """Write docs/screenshots/public-profile.png."""
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    out = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "public-profile.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    code = asyncio.run(shoot(out))
    print(out if code == 0 else f"chromium exited with {code}")
    return code


if __name__ == "__main__":
    sys.exit(main())
