"""Typed keys for what the application holds, built in create_app and used by handlers."""

from __future__ import annotations

from aiohttp import web

from server.accounts.guests import GuestService
from server.accounts.password_reset import PasswordResets
from server.accounts.service import AccountService, Caller
from server.contacts.service import ContactService
from server.mail.outbox import Outbox
from server.mail.sender import MailSender
from server.meetings.service import MeetingService
from server.privacy.consent_links import ConsentLinks
from server.privacy.consent_mail import ConsentMail
from server.privacy.consents import ConsentService
from server.privacy.deletion import DeletionService
from server.privacy.export import ExportService
from server.privacy.policy import PolicyService
from server.privacy.staff import StaffService
from server.privacy.statistics import Statistics
from server.profiles.service import PublicProfileService
from server.settings import Settings
from server.signaling.connection import Services
from server.signaling.live import LiveConnections
from server.store.database import Database
from server.testimonials.service import TestimonialService

SETTINGS = web.AppKey("settings", Settings)
DATABASE = web.AppKey("database", Database)
ACCOUNTS = web.AppKey("accounts", AccountService)
PASSWORD_RESETS = web.AppKey("password_resets", PasswordResets)
MEETINGS = web.AppKey("meetings", MeetingService)
GUESTS = web.AppKey("guests", GuestService)
SIGNALING = web.AppKey("signaling", Services)
LIVE_CONNECTIONS = web.AppKey("live_connections", LiveConnections)
EXPORTS = web.AppKey("exports", ExportService)
DELETION = web.AppKey("deletion", DeletionService)
STAFF = web.AppKey("staff", StaffService)
STATISTICS = web.AppKey("statistics", Statistics)
MAIL = web.AppKey("mail", Outbox)  # await app[MAIL].enqueue(...): see server/mail/outbox.py
MAIL_SENDER = web.AppKey("mail_sender", MailSender)
CONSENTS = web.AppKey("consents", ConsentService)
CONSENT_LINKS = web.AppKey("consent_links", ConsentLinks)
CONSENT_MAIL = web.AppKey("consent_mail", ConsentMail)  # newsletter and other non-essential mail
POLICY = web.AppKey("policy", PolicyService)
CONTACTS = web.AppKey("contacts", ContactService)
PUBLIC_PROFILES = web.AppKey("public_profiles", PublicProfileService)
TESTIMONIALS = web.AppKey("testimonials", TestimonialService)
# The pin of the self-signed certificate this server serves, for invite links; None when it
# serves plain HTTP or a certificate of the operator's (which clients verify as usual).
TLS_PIN: web.AppKey[str | None] = web.AppKey("tls_pin")

# Set on the request by the auth middleware for handlers marked with @authenticated.
CALLER = web.RequestKey("caller", Caller)


def caller_of(request: web.Request) -> Caller:
    caller = request.get(CALLER)
    if not isinstance(caller, Caller):
        raise RuntimeError("handler is not marked @authenticated")
    return caller
