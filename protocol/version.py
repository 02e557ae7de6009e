"""Protocol and API versions both sides agree on."""

API_PREFIX = "/api/v1"
PROTOCOL_VERSION = 1
