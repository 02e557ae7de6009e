"""The privacy panel: one view-model per section, loaded together when the panel opens."""

from __future__ import annotations

from PySide6.QtCore import QObject

from app.core.account_session import AccountSession
from app.viewmodels.audit_viewmodel import AuditViewModel
from app.viewmodels.consents_viewmodel import ConsentsViewModel
from app.viewmodels.data_export_viewmodel import DataExportViewModel
from app.viewmodels.deletion_viewmodel import DeletionViewModel
from app.viewmodels.form_viewmodel import FormViewModel
from app.viewmodels.policy_viewmodel import PolicyViewModel
from app.viewmodels.public_profile_viewmodel import PublicProfileViewModel
from app.viewmodels.testimonials_viewmodel import TestimonialsViewModel


class PrivacyViewModel(QObject):
    """Consents, public profile, testimonials, policy, my data, audit and deletion."""

    def __init__(
        self, account: AccountSession, policy: PolicyViewModel, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.consents = ConsentsViewModel(account, self)
        self.public_profile = PublicProfileViewModel(account, self)
        self.testimonials = TestimonialsViewModel(account, self)
        self.data_export = DataExportViewModel(account, self)
        self.audit = AuditViewModel(account, self)
        self.deletion = DeletionViewModel(account, self)
        self.policy = policy

    @property
    def forms(self) -> tuple[FormViewModel, ...]:
        """Every section's view-model (the app watches them for an ended session)."""
        return (
            self.consents,
            self.public_profile,
            self.testimonials,
            self.data_export,
            self.audit,
            self.deletion,
        )

    def load(self) -> None:
        """Read every section from the server (each shows its own progress and errors)."""
        for form in self.forms:
            form.clear_messages()
        self.consents.load()
        self.public_profile.load()
        self.testimonials.load()
        self.audit.load()
        self.policy.load()

    def clear(self) -> None:
        """Forget the member's data (on log-out)."""
        self.consents.clear()
        self.public_profile.clear()
        self.testimonials.clear()
        self.audit.clear()
        self.data_export.clear_messages()
        self.deletion.clear_messages()
