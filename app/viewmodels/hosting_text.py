"""What the owner is told while this computer's server is shared with others."""

from __future__ import annotations

from app.core.network_hosting import HostingAddress
from app.core.tls_trust import grouped_fingerprint


def hosting_text(hosting: HostingAddress | None, pin: str | None) -> str:
    """The addresses others use and the certificate fingerprint; empty when not shared."""
    if hosting is None:
        return ""
    if not hosting.urls:
        return (
            "This computer has no network address others can reach, only its own loopback "
            "one: nobody else can join yet. Connect to a network and choose "
            "“Change server…” again."
        )
    first, *others = hosting.urls
    text = f"Others can join the meetings you host here at {first}"
    if others:
        text += f" (on other networks: {', '.join(others)})"
    text += ". Invite links you copy name this address."
    if pin:
        # Its lines as they are: one long run of hex pairs would not wrap in a narrow window.
        text += f"\nCertificate fingerprint (SHA-256):\n{grouped_fingerprint(pin)}"
    return text
