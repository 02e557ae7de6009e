"""Schemathesis: generated requests for every operation in openapi.yaml against a live server.

No answer may be a 5xx, and every answer must match the documented statuses, content types,
headers and schemas.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, seed, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from server.http.meta import OPENAPI_PATH
from tests.server.live_server import live_server

schema = schemathesis.openapi.from_path(OPENAPI_PATH)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
USER = {
    "first_name": "Schema",
    "last_name": "Thesis",
    "username": "schemathesis",
    "email": "schemathesis@example.org",
    "password": "generated-requests-7",
}
# Logout ends the token it is given, so each logout case spends one of these. (Other DELETEs,
# such as DELETE /api/v1/me with a generated wrong password, leave the token alone.)
LOGOUT = "/api/v1/sessions/current"
SPARE_TOKENS = 260


class Server:
    def __init__(self, url: str):
        self.url = url
        self.http = requests.Session()
        self.http.post(f"{url}/api/v1/accounts", json=USER, timeout=30).raise_for_status()
        self.token = self.new_token()
        self.spare = [self.new_token() for _ in range(SPARE_TOKENS)]

    def new_token(self) -> str:
        response = self.http.post(
            f"{self.url}/api/v1/sessions",
            json={"login": USER["username"], "password": USER["password"]},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()["token"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir: Path = tmp_path_factory.mktemp("schemathesis")
    with live_server(data_dir) as url:
        yield Server(url)


@schema.parametrize()
@seed(20261124)
@settings(
    # 80 generated requests an operation (fixed seed): with 55 operations, 200 each took five
    # minutes of `make test` alone; tests/server/test_hostile_input.py covers the known tricks.
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_every_operation_honours_the_contract(case: schemathesis.Case, server: Server) -> None:
    token = server.token
    if (case.operation.method.upper(), case.operation.path) == ("DELETE", LOGOUT):
        token = server.spare.pop() if server.spare else server.new_token()
    headers = {"Authorization": f"Bearer {token}"}
    response = case.call(base_url=server.url, session=server.http, headers=headers, timeout=30)
    case.validate_response(response, checks=CHECKS)
