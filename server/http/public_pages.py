"""Public HTML pages: /u/{username} (only when its owner turned it on) and /testimonials.

Every value is escaped with `text()`, pages load nothing from anywhere (pages.py sets the CSP),
and a private profile answers with the very same 404 as a name that does not exist.
"""

from __future__ import annotations

import re

from aiohttp import web

from server.accounts.fields import SPECS
from server.http.pages import not_found_page, page, text
from server.keys import PUBLIC_PROFILES, TESTIMONIALS
from server.store.profiles import PublicProfile

routes = web.RouteTableDef()

_NAME_FIELDS = ("first_name", "last_name")


def paragraphs(value: str) -> str:
    """Plain text as HTML paragraphs: blank lines split them, single newlines break lines."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", value.replace("\r\n", "\n")) if b.strip()]
    return "".join(
        "<p>" + "<br>".join(text(line) for line in block.split("\n")) + "</p>" for block in blocks
    )


def profile_html(profile: PublicProfile) -> tuple[str, str]:
    """(title, body) showing the chosen fields that are filled in, and nothing else."""
    values = profile.values
    name = " ".join(values[f] for f in _NAME_FIELDS if f in values)
    username = values.get("username")
    title = name or (f"@{username}" if username else "Podium member")
    body = f"<h1>{text(title)}</h1>"
    if username and name:
        body += f'<p class="muted">@{text(username)}</p>'
    if profile.bio:
        body += paragraphs(profile.bio)
    details = [(f, v) for f, v in values.items() if f not in (*_NAME_FIELDS, "username")]
    if details:
        body += "<dl>" + "".join(
            f"<dt>{text(SPECS[f].label)}</dt><dd>{text(v)}</dd>" for f, v in details
        ) + "</dl>"
    return title, body


@routes.get("/u/{username}")
async def public_profile(request: web.Request) -> web.Response:
    profile = await request.app[PUBLIC_PROFILES].public(request.match_info["username"])
    if profile is None:
        return not_found_page()
    title, body = profile_html(profile)
    return page(title, body)


@routes.get("/testimonials")
async def testimonials(request: web.Request) -> web.Response:
    shown = await request.app[TESTIMONIALS].published()
    body = "<h1>What people say about Podium</h1>"
    if not shown:
        body += '<p class="muted">No testimonials yet.</p>'
    for item in shown:
        body += (
            f"<figure><blockquote>{paragraphs(item.body)}</blockquote>"
            f"<figcaption>— {text(item.display_name)}</figcaption></figure>"
        )
    return page("Testimonials", body)
