"""Typed wrapper over the Podium REST API (/api/v1), split by area as server/http/ is."""

from app.core.api.accounts import FieldSpec, Profile, SessionToken
from app.core.api.client import ApiClient
from app.core.api.errors import BAD_RESPONSE, UNREACHABLE, ApiError
from app.core.api.guests import GuestSession
from app.core.api.meetings import MeetingSummary
from app.core.api.tls_errors import CERTIFICATE_CHANGED, UNTRUSTED_CERTIFICATE

__all__ = [
    "BAD_RESPONSE",
    "CERTIFICATE_CHANGED",
    "UNREACHABLE",
    "UNTRUSTED_CERTIFICATE",
    "ApiClient",
    "ApiError",
    "FieldSpec",
    "GuestSession",
    "MeetingSummary",
    "Profile",
    "SessionToken",
]
