"""The page a password reset e-mail links to: a labelled form that works without JavaScript.

GET only checks the link and shows the form, so a mail scanner that fetches links spends
nothing; the form's POST sets the password. Errors are pages too, never JSON or a trace.
"""

from __future__ import annotations

from aiohttp import web

from server.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from server.domain_errors import DomainError, Gone, Invalid
from server.http.pages import page, text
from server.keys import PASSWORD_RESETS

routes = web.RouteTableDef()

REPEAT = "password_repeat"


def _form(token: str, problem: str = "") -> str:
    error = f'<p class="error" id="problem" role="alert">{text(problem)}</p>' if problem else ""
    described = ' aria-describedby="problem"' if problem else ""
    limits = f'minlength="{MIN_LENGTH}" maxlength="{MAX_LENGTH}"'
    return (
        "<h1>Choose a new password</h1>"
        f"<p>At least {MIN_LENGTH} characters; a long phrase is easiest to remember. Setting it "
        "logs your account out on every device.</p>"
        f"{error}"
        f'<form method="post" action="/reset/{text(token)}">'
        '<label for="password">New password</label>'
        f'<input id="password" name="password" type="password" autocomplete="new-password" '
        f"required {limits}{described} autofocus>"
        f'<label for="{REPEAT}">Repeat the new password</label>'
        f'<input id="{REPEAT}" name="{REPEAT}" type="password" autocomplete="new-password" '
        f"required {limits}>"
        '<p><button type="submit">Set new password</button></p></form>'
    )


def _refused(error: DomainError) -> web.Response:
    title = "This link cannot be used" if isinstance(error, Gone) else "Unknown link"
    status = 410 if isinstance(error, Gone) else 404
    message = error.message[0].upper() + error.message[1:] + "."
    return page(
        title,
        f"<h1>{text(title)}</h1><p>{text(message)}</p><p>In the Podium app, choose "
        "<em>Forgot password?</em> on the log-in page to get a new link.</p>",
        status=status,
    )


@routes.get("/reset/{token}")
async def reset_page(request: web.Request) -> web.Response:
    token = request.match_info["token"]
    try:
        await request.app[PASSWORD_RESETS].check(token)
    except DomainError as error:
        return _refused(error)
    return page("Choose a new password", _form(token))


@routes.post("/reset/{token}")
async def reset(request: web.Request) -> web.Response:
    token = request.match_info["token"]
    try:
        await request.app[PASSWORD_RESETS].check(token)
    except DomainError as error:
        return _refused(error)
    form = await request.post()
    password, repeat = form.get("password"), form.get(REPEAT)
    if not isinstance(password, str) or not isinstance(repeat, str) or not password:
        problem = "Please type the new password twice."
        return page("Choose a new password", _form(token, problem), 422)
    if password != repeat:
        return page(
            "Choose a new password", _form(token, "The two passwords are not the same."), 422
        )
    try:
        await request.app[PASSWORD_RESETS].reset(token, password)
    except Invalid as error:
        problem = (error.fields or {}).get("password", error.message)
        return page(
            "Choose a new password", _form(token, f"That password cannot be used: {problem}."), 422
        )
    except DomainError as error:
        return _refused(error)
    return page(
        "Password changed",
        "<h1>Your password is changed</h1><p>Every device that was logged in to your account "
        "has been logged out. Log in again in the Podium app with your new password.</p>",
    )
