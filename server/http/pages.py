"""Server-rendered HTML pages (unsubscribe, public profile, testimonials): escaped, self-contained.

Pages carry their own small stylesheet inline and load nothing from anywhere, so the
Content-Security-Policy can forbid everything but that one style block and same-origin forms.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

from aiohttp import web

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; background: #f4f5f9;
       color: #1d2330; margin: 0; }
main { max-width: 640px; margin: 48px auto; background: #fff; border: 1px solid #dfe3ec;
       border-radius: 12px; padding: 32px 40px; }
h1 { font-size: 1.6rem; margin: 0 0 12px; }
p, li, dd { line-height: 1.5; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 8px 24px; align-items: baseline; }
dt { font-weight: 600; color: #4a5366; }
dd { margin: 0; }
button { background: #2f5bd3; color: #fff; border: 0; border-radius: 8px; padding: 10px 20px;
         font-size: 1rem; cursor: pointer; }
.muted { color: #5b6478; font-size: 0.9rem; }
label { display: block; font-weight: 600; margin: 16px 0 4px; }
input { width: 100%; box-sizing: border-box; padding: 8px 10px; font-size: 1rem;
        border: 1px solid #8a93a6; border-radius: 8px; }
input:focus, button:focus { outline: 3px solid #2f5bd3; outline-offset: 2px; }
.error { color: #b3261e; font-weight: 600; }
header { font-weight: 700; color: #2f5bd3; font-size: 1.2rem; margin-bottom: 24px; }
"""
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
CSP = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def text(value: object) -> str:
    """Escape anything user-supplied before it goes into a page."""
    return escape(str(value), quote=True)


def page(title: str, body_html: str, status: int = 200) -> web.Response:
    """A complete page; `body_html` must already be built with `text()` around every value."""
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{text(title)} · Podium</title><style>{_STYLE}</style></head>"
        f"<body><main><header>Podium</header>{body_html}</main></body></html>"
    )
    response = web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
    response.headers["Content-Security-Policy"] = CSP
    return response


def not_found_page() -> web.Response:
    """The same 404 for a page that is private and one that does not exist."""
    return page("Not found", "<h1>Not found</h1><p>There is no page here.</p>", status=404)
