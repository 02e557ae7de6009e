"""The pages e-mailed links open: newsletter confirmation and one-click unsubscribe.

GET only shows a page with one button, so a mail scanner that fetches links changes nothing; the
POST does it. Neither needs a login or a cookie: the token in the path is the authority. A mail
client's RFC 8058 one-click POST (body `List-Unsubscribe=One-Click`) works the same as the button.
"""

from __future__ import annotations

from aiohttp import web

from server.http.pages import not_found_page, page, text
from server.keys import CONSENT_LINKS
from server.privacy.consent_links import LinkOutcome, LinkResult
from server.privacy.consents import PURPOSE_LABELS

routes = web.RouteTableDef()


def _label(result: LinkResult) -> str:
    return PURPOSE_LABELS.get(result.purpose or "", "these e-mails")


def _form(action: str, button: str, one_click: bool = False) -> str:
    # The hidden field makes the button's POST the same as a mail client's one-click POST.
    hidden = '<input type="hidden" name="List-Unsubscribe" value="One-Click">' if one_click else ""
    return (
        f'<form method="post" action="{text(action)}">{hidden}'
        f'<button type="submit">{text(button)}</button></form>'
    )


def _spent_link(result: LinkResult) -> web.Response:
    if result.outcome is LinkOutcome.EXPIRED:
        title, why = "This link has expired", "Confirmation links work for 7 days."
    else:
        title, why = "This link has been used", "Each confirmation link works once."
    return page(
        title,
        f"<h1>{text(title)}</h1><p>{text(why)} Your newsletter setting is in the Podium app, "
        "under Privacy; you can ask for a new link there.</p>",
        status=410,
    )


@routes.get("/consents/confirm/{token}")
async def confirm_page(request: web.Request) -> web.Response:
    token = request.match_info["token"]
    result = await request.app[CONSENT_LINKS].check_confirmation(token)
    if result.outcome is LinkOutcome.UNKNOWN:
        return not_found_page()
    if result.outcome is not LinkOutcome.READY:
        return _spent_link(result)
    return page(
        "Confirm your subscription",
        f"<h1>Confirm your subscription</h1><p>Press the button to receive {text(_label(result))}"
        " of this Podium server. You can unsubscribe at any time with one click.</p>"
        + _form(f"/consents/confirm/{token}", "Confirm"),
    )


@routes.post("/consents/confirm/{token}")
async def confirm(request: web.Request) -> web.Response:
    result = await request.app[CONSENT_LINKS].confirm(request.match_info["token"])
    if result.outcome is LinkOutcome.UNKNOWN:
        return not_found_page()
    if result.outcome is not LinkOutcome.DONE:
        return _spent_link(result)
    return page(
        "Subscribed",
        f"<h1>You are subscribed</h1><p>Thank you: you will receive {text(_label(result))}. "
        "Every issue carries a one-click unsubscribe link.</p>",
    )


@routes.get("/unsubscribe/{token}")
async def unsubscribe_page(request: web.Request) -> web.Response:
    token = request.match_info["token"]
    result = await request.app[CONSENT_LINKS].check_unsubscribe(token)
    if result.outcome is LinkOutcome.UNKNOWN:
        return not_found_page()
    return page(
        "Unsubscribe",
        f"<h1>Unsubscribe</h1><p>Press the button to stop {text(_label(result))}. It takes effect "
        "at once.</p>" + _form(f"/unsubscribe/{token}", "Unsubscribe", one_click=True),
    )


@routes.post("/unsubscribe/{token}")
async def unsubscribe(request: web.Request) -> web.Response:
    result = await request.app[CONSENT_LINKS].unsubscribe(request.match_info["token"])
    if result.outcome is LinkOutcome.UNKNOWN:
        return not_found_page()
    return page(
        "Unsubscribed",
        f"<h1>You are unsubscribed</h1><p>You will no longer receive {text(_label(result))}. "
        "Mail about your account (such as security notices) still reaches you. You can "
        "subscribe again in the Podium app.</p>",
    )
