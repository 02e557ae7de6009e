"""Old import path of the API client, kept while other branches still use it; use app.core.api.

The lead removes this module once no file imports it (issue 7 item 11).
"""

from app.core.api import (
    BAD_RESPONSE,
    UNREACHABLE,
    ApiClient,
    ApiError,
    FieldSpec,
    MeetingSummary,
    Profile,
    SessionToken,
)

__all__ = [
    "BAD_RESPONSE",
    "UNREACHABLE",
    "ApiClient",
    "ApiError",
    "FieldSpec",
    "MeetingSummary",
    "Profile",
    "SessionToken",
]
