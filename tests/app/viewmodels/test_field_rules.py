"""The client's checks follow the server's field policy: required, lengths, e-mail shape."""

from __future__ import annotations

from app.viewmodels.field_rules import BAD_EMAIL, REQUIRED, field_problem, form_problems

EMAIL = {"name": "email", "kind": "email", "required": True, "max_length": 254}


def test_required_and_trimmed() -> None:
    assert field_problem(EMAIL, "   ") == REQUIRED
    assert field_problem({**EMAIL, "required": False}, "") == ""
    assert field_problem(EMAIL, " ada@example.org ") == ""


def test_e_mail_shape() -> None:
    for bad in ("ada", "ada@", "ada@example", "ada@example.", "a da@example.org", "a@b@c.org"):
        assert field_problem(EMAIL, bad) == BAD_EMAIL, bad


def test_length_from_the_policy() -> None:
    spec = {"name": "zip", "kind": "text", "required": False, "max_length": 16}
    assert field_problem(spec, "1" * 16) == ""
    assert field_problem(spec, "1" * 17).startswith("At most 16 characters")
    assert field_problem({**spec, "max_length": None}, "1" * 500) == ""


def test_passwords_are_not_trimmed() -> None:
    spec = {"name": "password", "kind": "password", "required": True, "max_length": 4}
    assert field_problem(spec, "  ab  ").startswith("At most 4")


def test_form_problems_in_form_order() -> None:
    specs = [{"name": "first_name", "required": True}, EMAIL]
    assert list(form_problems(specs, {"email": "x"})) == ["first_name", "email"]
