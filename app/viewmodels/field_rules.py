"""The checks a form makes before sending, from the server's field policy (dict form)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

REQUIRED = "Required."
BAD_EMAIL = "Not a valid e-mail address (like name@example.org)."
# The server's e-mail shape (server/accounts/fields.py): one @, no spaces, a dot in the domain.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


def field_problem(spec: Mapping[str, Any], raw: str) -> str:
    """What the server would refuse in this value ("" when it looks fine)."""
    kind = str(spec.get("kind") or "text")
    # Passwords are sent as typed; every other field is trimmed (as the server does).
    value = raw if kind == "password" else raw.strip()
    if not value:
        return REQUIRED if spec.get("required") else ""
    limit = spec.get("max_length")
    if isinstance(limit, int) and limit > 0 and len(value) > limit:
        return f"At most {limit} characters (this has {len(value)})."
    if kind == "email" and not _EMAIL.match(value):
        return BAD_EMAIL
    return ""


def form_problems(specs: Iterable[Mapping[str, Any]], values: Mapping[str, str]) -> dict[str, str]:
    """Problems by field name, for the fields of `specs` (in their order) that have one."""
    problems: dict[str, str] = {}
    for spec in specs:
        name = str(spec["name"])
        problem = field_problem(spec, values.get(name) or "")
        if problem:
            problems[name] = problem
    return problems
