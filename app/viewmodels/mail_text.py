"""What the app says when the server cannot send e-mail (no mail relay), wherever it would."""

from __future__ import annotations

import shlex

RESET_COMMAND = "podium-server admin reset-link"


def reset_command_here(data_dir: str, base_url: str, login: str) -> str:
    """The exact command that makes a reset link for the server this app runs."""
    who = shlex.quote(login.strip() or "YOUR-USERNAME")
    return (
        f"podium-server --data-dir {shlex.quote(data_dir)} admin reset-link {who} "
        f"--base-url {shlex.quote(base_url)}"
    )


def no_mail_for_reset(login: str, here: tuple[str, str] | None = None) -> str:
    """Forgot password on a server without mail: who can help, and how.

    `here` is (data folder, address) when the server is the one this app runs on this computer:
    its user is its operator, so they get the exact command.
    """
    who = login.strip() or "YOUR-USERNAME"
    if here is not None:
        return (
            "This server cannot send e-mail (it has no mail relay), so no reset link can reach "
            "you. It runs on this computer, so you can make the link yourself: run this command "
            "in a terminal and open the link it prints.\n"
            f"{reset_command_here(here[0], here[1], login)}"
        )
    return (
        "This server cannot send e-mail (it has no mail relay), so no reset link can reach you. "
        "Ask the person who runs the server for a reset link: they can make one with the "
        f"command “{RESET_COMMAND} {who}”. If the server runs on this computer (the app "
        "started it), that person is you: see “Forgot password” in the operations guide."
    )


NO_MAIL_FOR_NEWSLETTER = (
    "This server cannot send e-mail (it has no mail relay), so the confirmation link cannot "
    "reach you and the subscription stays pending. Ask the person who runs the server to set "
    "up mail ([mail] in its settings); until then there is no newsletter to receive anyway."
)


def reset_sent(login: str, minutes: int) -> str:
    """The answer to "forgot password": the same whether or not the account exists."""
    return (
        f"If an account “{login.strip()}” exists on this server, a link to choose a new "
        f"password is on its way to its e-mail address. The link works once, for {minutes} "
        "minutes; setting a new password logs you out everywhere."
    )
