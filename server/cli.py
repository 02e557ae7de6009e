"""Command line of podium-server: parse flags, build settings, serve until told to stop."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
from pathlib import Path

import platformdirs
from aiohttp import web

from server.admin.cli import add_admin_parser, main_admin
from server.app import create_app
from server.http import bad_request_log
from server.settings import Settings, SettingsError, load_config_file, settings_from_config
from server.sfu.internals import IncompatibleMediaLibraries
from server.store.errors import StoreError
from server.tls import certificate_names, certificate_pin, ensure_self_signed, server_context

READY_LINE = "PODIUM-SERVER-READY"
log = logging.getLogger("podium.server")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="podium-server", description="Run the Podium server (accounts, meetings, media)."
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where the encrypted database lives (default: the user data folder)",
    )
    parser.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default 8443; 0 = any free)")
    parser.add_argument("--config", type=Path, default=None, help="server.toml with more settings")
    parser.add_argument(
        "--insecure",
        action="store_true",
        default=None,
        help="serve plain HTTP on a non-loopback address (not recommended)",
    )
    parser.add_argument(
        "--tls",
        action="store_true",
        default=None,
        help="serve TLS even on a loopback address (always on other addresses)",
    )
    parser.add_argument(
        "--public-url",
        default=None,
        help="the address others reach this server at, for invite and e-mail links",
    )
    parser.add_argument(
        "--registration",
        choices=("open", "local"),
        default=None,
        help="who may register accounts: anyone (open) or only this machine's own user (local)",
    )
    parser.add_argument(
        "--exit-with-stdin",
        action="store_true",
        help="stop when standard input closes (used by the desktop app for its bundled server)",
    )
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING or ERROR")
    add_admin_parser(parser.add_subparsers(dest="command", metavar="admin"))
    return parser


def settings_from_args(args: argparse.Namespace) -> Settings:
    config = load_config_file(args.config) if args.config else {}
    data_dir = args.data_dir or Path(
        config.get("server", {}).get("data_dir") or platformdirs.user_data_dir("podium-server")
    )
    return settings_from_config(
        data_dir.expanduser(),
        config,
        host=args.host,
        port=args.port,
        insecure=args.insecure,
        tls_always=args.tls,
        public_url=args.public_url.rstrip("/") if args.public_url else None,
        registration=args.registration,
    )


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    bad_request_log.install()
    try:
        settings = settings_from_args(args)
        if args.command == "admin":
            sys.exit(main_admin(settings, args))
        code = asyncio.run(serve(settings, exit_with_stdin=args.exit_with_stdin))
    except (SettingsError, StoreError, OSError, IncompatibleMediaLibraries) as exc:
        print(f"podium-server: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        code = 0
    sys.exit(code)


async def serve(settings: Settings, *, exit_with_stdin: bool = False) -> int:
    """Serve until SIGINT/SIGTERM (or stdin closing); announce the address when listening."""
    ssl_context = None
    pin: str | None = None
    if settings.serves_tls:
        cert, key = settings.tls_cert, settings.tls_key
        if cert is None or key is None:
            cert, key = ensure_self_signed(
                settings.data_dir / "tls", certificate_names(settings.host, settings.public_url)
            )
            pin = certificate_pin(cert)
            log.info("serving TLS with the self-signed certificate %s (%s)", cert, pin)
        ssl_context = server_context(cert, key)
    elif not settings.is_loopback:
        log.warning("serving plain HTTP on %s because --insecure was given", settings.host)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
            loop.add_signal_handler(sig, stop.set)
    runner = web.AppRunner(create_app(settings, tls_pin=pin), handle_signals=False, access_log=None)
    await runner.setup()
    if exit_with_stdin:
        _watch_stdin(loop, stop)
    try:
        site = web.TCPSite(runner, settings.host, settings.port, ssl_context=ssl_context)
        await site.start()
        scheme = "https" if ssl_context else "http"
        host, port = runner.addresses[0][:2]
        url = f"{scheme}://{_url_host(host)}:{port}"
        log.info("listening on %s", url)
        print(f"{READY_LINE} {url}", flush=True)
        await stop.wait()
        log.info("stopping")
    finally:
        await runner.cleanup()
    return 0


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _watch_stdin(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    """Stop when stdin reaches EOF: the parent closed it or died, so no orphan stays behind."""

    # os.read, not sys.stdin: a daemon thread blocked inside a buffered reader's lock makes
    # interpreter shutdown abort.
    fd = sys.stdin.fileno()

    def wait_for_eof() -> None:
        with contextlib.suppress(OSError):
            while os.read(fd, 4096):
                pass
        with contextlib.suppress(RuntimeError):  # the loop may already be closed
            loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=wait_for_eof, name="stdin-watch", daemon=True).start()
