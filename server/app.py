"""create_app(settings): the one place the server's objects are built and wired."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable

from aiohttp import web

from server.accounts.fields import FieldPolicy
from server.accounts.gate import VerificationGate
from server.accounts.guests import GuestService, end_guest_sessions
from server.accounts.password_reset import PasswordResets
from server.accounts.passwords import PasswordHashing, PasswordRules, load_common_passwords
from server.accounts.service import AccountService
from server.accounts.throttle import PasswordThrottle
from server.contacts.service import ContactService
from server.http import (
    accounts,
    consents,
    contacts,
    deletion,
    export,
    guests,
    invite_page,
    meetings,
    meta,
    password_reset,
    password_reset_page,
    policy,
    public_pages,
    public_profile,
    signaling,
    staff,
    statistics,
    testimonials,
    unsubscribe,
)
from server.http.middlewares import bearer_auth, json_errors, security_headers, server_name
from server.http.statistics import usage_statistics
from server.ice_servers import IceServers
from server.keys import (
    ACCOUNTS,
    CONSENT_LINKS,
    CONSENT_MAIL,
    CONSENTS,
    CONTACTS,
    DATABASE,
    DELETION,
    EXPORTS,
    GUESTS,
    LIVE_CONNECTIONS,
    MAIL,
    MAIL_SENDER,
    MEETINGS,
    PASSWORD_RESETS,
    POLICY,
    PUBLIC_PROFILES,
    SETTINGS,
    SIGNALING,
    STAFF,
    STATISTICS,
    TESTIMONIALS,
    TLS_PIN,
)
from server.mail.links import configured_base_url
from server.mail.outbox import Outbox
from server.mail.sender import MailSender, Relay
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
from server.resources import resources_dir
from server.rooms.registry import RoomRegistry
from server.settings import Settings
from server.sfu.internals import require_media_internals
from server.sfu.network import MediaNetwork
from server.sfu.sfu import SfuEngine
from server.signaling.connection import Services
from server.signaling.live import LiveConnections
from server.store.accounts import AccountStore
from server.store.consents import ConsentStore
from server.store.contacts import ContactStore
from server.store.database import Database
from server.store.deletion import DeletionStore
from server.store.export import ExportStore
from server.store.guests import GuestStore
from server.store.keystore import database_path, load_or_create_key
from server.store.meetings import MeetingStore
from server.store.outbox import OutboxStore
from server.store.password_resets import PasswordResetStore
from server.store.policies import PolicyStore
from server.store.profiles import ProfileStore
from server.store.staff import StaffStore
from server.store.statistics import StatisticsStore
from server.store.testimonials import TestimonialStore
from server.store.throttle import ThrottleStore
from server.testimonials.service import TestimonialService

log = logging.getLogger(__name__)


def create_app(
    settings: Settings, clock: Callable[[], float] = time.time, *, tls_pin: str | None = None
) -> web.Application:
    require_media_internals()  # refuse an aiortc/aioice/pylibsrtp the SFU was not written for
    app = web.Application(
        middlewares=[security_headers, json_errors, bearer_auth, usage_statistics],
        client_max_size=settings.max_body_bytes,
    )
    app[SETTINGS] = settings
    app[TLS_PIN] = tls_pin
    # Signaling sockets by session and account: the account services close them as sessions end.
    live = LiveConnections(lambda used_at: app[ACCOUNTS].check_sessions(used_at))
    app[LIVE_CONNECTIONS] = live

    async def close_signaling(app: web.Application) -> None:
        live.close_all()  # else shutdown waits for every meeting's clients to leave

    app.on_shutdown.append(close_signaling)
    app.on_response_prepare.append(server_name)  # no software versions in `Server`
    app.add_routes(meta.routes)
    app.add_routes(accounts.routes)
    app.add_routes(password_reset.routes)
    app.add_routes(password_reset_page.routes)
    app.add_routes(meetings.routes)
    app.add_routes(signaling.routes)
    app.add_routes(export.routes)
    app.add_routes(deletion.routes)
    app.add_routes(staff.routes)
    app.add_routes(statistics.routes)
    app.add_routes(consents.routes)
    app.add_routes(policy.routes)
    app.add_routes(unsubscribe.routes)
    app.add_routes(contacts.routes)
    app.add_routes(public_profile.routes)
    app.add_routes(testimonials.routes)
    app.add_routes(public_pages.routes)
    app.add_routes(guests.routes)
    app.add_routes(invite_page.routes)

    async def store(app: web.Application) -> AsyncIterator[None]:
        key = load_or_create_key(settings.data_dir, use_keyring=settings.key_source == "auto")
        db = await Database.open(database_path(settings.data_dir), key.key)
        log.info("database open (key from %s)", key.source)
        app[DATABASE] = db
        yield
        await db.close()

    async def account_service(app: web.Application) -> AsyncIterator[None]:
        hashing = PasswordHashing(settings.max_concurrent_hashes)
        rules = PasswordRules(load_common_passwords(resources_dir() / "common-passwords.txt"))
        account_store = AccountStore(app[DATABASE])
        app[PASSWORD_RESETS] = PasswordResets(
            PasswordResetStore(app[DATABASE]),
            account_store,
            app[MAIL],
            rules,
            hashing,
            live,
            clock,
            mail=Relay.from_settings(settings) is not None,
        )
        app[ACCOUNTS] = AccountService(
            store=account_store,
            policy=FieldPolicy(settings.required_fields),
            rules=rules,
            hashing=hashing,
            throttle=PasswordThrottle(
                ThrottleStore(app[DATABASE]),
                settings.login_max_failures,
                settings.login_window_seconds,
                clock,
                max_failures_per_address=settings.login_max_failures_per_address,
            ),
            gate=VerificationGate(settings.max_concurrent_hashes),
            settings=settings,
            clock=clock,
            session_ends=live,
            guests=GuestStore(app[DATABASE]),
        )
        yield
        hashing.close()

    async def meetings_and_media(app: web.Application) -> AsyncIterator[None]:
        meeting_store = MeetingStore(app[DATABASE])
        app[MEETINGS] = MeetingService(meeting_store, clock)
        app[GUESTS] = GuestService(
            GuestStore(app[DATABASE]), app[MEETINGS], settings, clock, session_ends=live
        )
        engine = SfuEngine(network=MediaNetwork(settings.media_public_ip, settings.media_udp_ports))
        ice_servers = IceServers.from_settings(settings, clock)
        if ice_servers.turn_withheld:
            log.warning("[ice] turn is set but turn_secret is not: clients get no TURN server")
        rooms = RoomRegistry(
            meeting_store,
            engine,
            clock,
            lambda ids: end_guest_sessions(live, ids),
            empty_end_seconds=settings.empty_end_minutes * 60,
        )
        await rooms.restore()  # meetings left empty when the server last stopped
        app[SIGNALING] = Services(
            accounts=app[ACCOUNTS],
            meetings=app[MEETINGS],
            rooms=rooms,
            live=live,
            clock=clock,
            ice_servers=ice_servers,
        )
        tasks = [
            asyncio.create_task(live.sweep_periodically()),
            asyncio.create_task(app[GUESTS].purge_periodically()),
        ]
        yield
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await rooms.close()
        await engine.close()

    async def mail_and_consent(app: web.Application) -> AsyncIterator[None]:
        outbox_store = OutboxStore(app[DATABASE])
        outbox = Outbox(outbox_store, clock)
        sender = MailSender(outbox_store, outbox, Relay.from_settings(settings), clock)
        app[MAIL] = outbox
        app[MAIL_SENDER] = sender
        base_url = configured_base_url(settings)
        consent_store = ConsentStore(app[DATABASE])
        links = ConsentLinks(consent_store, outbox, clock, base_url)
        app[CONSENT_LINKS] = links
        app[CONSENTS] = ConsentService(consent_store, links, clock)
        app[CONSENT_MAIL] = ConsentMail(consent_store, outbox, clock, base_url)
        app[POLICY] = PolicyService(PolicyStore(app[DATABASE]), outbox, clock)
        default_policy = resources_dir() / "privacy-policy.txt"
        if await app[POLICY].install_default(default_policy.read_text(encoding="utf-8")):
            log.info("no privacy policy yet: the bundled default (version 1) is now in force")
        sender.start()
        yield
        await sender.stop()

    async def privacy_rights(app: web.Application) -> AsyncIterator[None]:
        db = app[DATABASE]
        app[EXPORTS] = ExportService(ExportStore(db), clock)
        deleter = DeletionService(
            DeletionStore(db),
            db,
            app[ACCOUNTS],
            app[MAIL],
            settings,
            clock,
            session_ends=live,
            meetings=app[SIGNALING].rooms,
        )
        app[DELETION] = deleter
        app[STAFF] = StaffService(StaffStore(db), clock)
        usage = Statistics(StatisticsStore(db), settings.statistics_enabled, clock)
        app[STATISTICS] = usage
        tasks = [asyncio.create_task(deleter.purge_periodically())]
        if usage.enabled:
            tasks.append(asyncio.create_task(usage.flush_periodically()))
        yield
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await usage.flush()

    async def people_features(app: web.Application) -> AsyncIterator[None]:
        # Address book, public profiles, testimonials: nothing to start or stop.
        db = app[DATABASE]
        app[CONTACTS] = ContactService(ContactStore(db), clock)
        app[PUBLIC_PROFILES] = PublicProfileService(ProfileStore(db), clock)
        app[TESTIMONIALS] = TestimonialService(TestimonialStore(db), clock)
        yield

    app.cleanup_ctx.extend(
        [store, mail_and_consent, account_service, meetings_and_media, privacy_rights]
    )
    app.cleanup_ctx.append(people_features)
    return app
