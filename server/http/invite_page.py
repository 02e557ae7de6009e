"""The invite page /j/{code}: "Open in Podium" (a podium:// link) and how to install Podium.

It says nothing about the meeting and never looks the code up: every code, good, bad or
ended, gets the same page (200, the same bytes but for the code), so the page cannot be used
to try codes. No script at all; one inline stylesheet allowed by its hash; nothing loaded from
anywhere. Links use public_url, else the address the request arrived on, never the Host header.
"""

from __future__ import annotations

import base64
import hashlib
import string
from urllib.parse import urlencode

from aiohttp import web

from server.http.pages import text
from server.keys import SETTINGS, TLS_PIN
from server.mail.links import request_base_url
from server.meetings.service import normalise_join_code

routes = web.RouteTableDef()

# More than a join code's 12 characters, so a mistyped one still shows as typed; bounded.
MAX_CODE_CHARACTERS = 32
_CODE_CHARACTERS = frozenset(string.ascii_lowercase + string.digits)

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; background: #f4f5f9;
       color: #1d2330; margin: 0; line-height: 1.5; }
main { max-width: 640px; margin: 48px auto; background: #fff; border: 1px solid #dfe3ec;
       border-radius: 12px; padding: 32px 40px; }
header { font-weight: 700; color: #2f5bd3; font-size: 1.2rem; margin-bottom: 24px; }
h1 { font-size: 1.6rem; margin: 0 0 12px; }
h2 { font-size: 1.15rem; margin: 32px 0 8px; }
.code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 1.3rem;
        letter-spacing: 0.05em; }
.open { display: inline-block; background: #2f5bd3; color: #fff; border-radius: 8px;
        padding: 12px 24px; font-size: 1.1rem; font-weight: 600; text-decoration: none;
        margin: 8px 0 4px; }
.open:hover { background: #2549ad; }
.open:focus-visible { outline: 3px solid #1d2330; outline-offset: 3px; }
.muted { color: #5b6478; font-size: 0.95rem; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; background: #eef1f7;
       border-radius: 4px; padding: 1px 5px; overflow-wrap: anywhere; }
@media (max-width: 700px) { main { margin: 0; border-radius: 0; padding: 24px; } }
"""
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
CSP = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; form-action 'none'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def page_code(raw: str) -> str:
    """The code as the page shows it: ASCII letters and digits only, lower case, grouped."""
    kept = "".join(ch for ch in raw.lower() if ch in _CODE_CHARACTERS)
    return normalise_join_code(kept[:MAX_CODE_CHARACTERS])


def app_link(base_url: str, code: str, pin: str | None) -> str:
    """podium://join?server=..&code=..[&pin=sha256:..]: what the desktop app opens."""
    query = {"server": base_url, "code": code}
    if pin:
        query["pin"] = pin
    return "podium://join?" + urlencode(query, safe=":/")


def invite_html(base_url: str, code: str, pin: str | None) -> str:
    """The whole page; every value goes through text()."""
    pin_note = (
        "<p>When Podium shows this server's certificate fingerprint, it must be "
        f"<code>{text(pin)}</code>. The link above tells Podium so.</p>"
        if pin
        else ""
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="robots" content="noindex, nofollow">'
        f"<title>Join a meeting · Podium</title><style>{_STYLE}</style></head>"
        '<body><main aria-labelledby="title"><header>Podium</header>'
        '<h1 id="title">You are invited to a Podium meeting</h1>'
        f'<p>Meeting code: <strong class="code">{text(code)}</strong></p>'
        f'<p><a class="open" href="{text(app_link(base_url, code, pin))}">Open in Podium</a></p>'
        '<p class="muted">This opens the Podium app, ready to join the meeting: as a guest with '
        "just a name, or logged in if you have an account on this server.</p>"
        '<section aria-labelledby="install"><h2 id="install">Nothing happened?</h2>'
        "<p>Then Podium is probably not installed on this computer yet. For now Podium is "
        "installed from its source code:</p><ol>"
        "<li>On Debian 12 or Ubuntu with <code>git</code>, <code>make</code> and "
        "<code>python3</code>, get Podium's source code from the person who invited you or "
        "from the Podium project.</li>"
        "<li>In its folder, run <code>make run</code>: it sets up everything Podium needs and "
        "opens the app.</li>"
        "<li>Come back to this page and choose <strong>Open in Podium</strong>, or in the app "
        "choose <strong>Join a meeting</strong> with this server and the code above.</li></ol>"
        f"<p>This server: <code>{text(base_url)}</code></p>{pin_note}"
        "</section></main></body></html>"
    )


@routes.get("/j/{code}")
async def invite(request: web.Request) -> web.Response:
    base_url = request_base_url(request, request.app[SETTINGS])
    html = invite_html(base_url, page_code(request.match_info["code"]), request.app[TLS_PIN])
    response = web.Response(text=html, content_type="text/html", charset="utf-8")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
