"""The address book: search, add, edit, delete, import from and export to CSV."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from app.models.contacts_model import CONTACT_ID_ROLE
from app.ui.contact_dialog import ContactDialog
from app.ui.dialogs import ask_confirmation
from app.ui.import_dialog import ImportDialog
from app.ui.save_dialog import ask_save_path
from app.ui.tables import list_table
from app.ui.widgets import Banner, Card, button, plain_label, scrolling, subtitle, title
from app.viewmodels.app_viewmodel import AppViewModel
from app.viewmodels.contacts_viewmodel import ContactsViewModel

MAX_WIDTH = 980


class ContactsPage(QWidget):
    """A searchable table with the actions above it; dialogs for editing and importing."""

    def __init__(
        self, app_vm: AppViewModel, vm: ContactsViewModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._vm = vm
        # Replaced in tests, which cannot click through native dialogs.
        self.ask_save_path: Callable[[QWidget, str, str, str], str] = ask_save_path
        self.ask_confirmation: Callable[[QWidget, str, str], bool] = ask_confirmation

        head = QHBoxLayout()
        names = QVBoxLayout()
        names.setSpacing(4)
        names.addWidget(title("Address book"))
        names.addWidget(
            subtitle("Only you see these contacts, and Podium never e-mails them on its own.")
        )
        head.addLayout(names, 1)
        self.home = button("Back to meetings", role="secondary")
        head.addWidget(self.home, 0, Qt.AlignmentFlag.AlignTop)

        card = Card()
        tools = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("contactSearch")
        self.search.setPlaceholderText("Search names, e-mail, company, notes…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search contacts")
        # On a row of its own: beside five buttons it was squashed to a few letters.
        card.body.addWidget(self.search)
        self.add = button("Add contact")
        self.add.setObjectName("addContact")
        self.edit = button("Edit…", role="secondary")
        self.delete = button("Delete", role="secondary")
        self.import_csv = button("Import CSV…", role="secondary")
        self.import_csv.setObjectName("importContacts")
        self.export_csv = button("Export CSV…", role="secondary")
        self.export_csv.setObjectName("exportContacts")
        for widget in (self.add, self.edit, self.delete, self.import_csv, self.export_csv):
            tools.addWidget(widget)
        tools.addStretch(1)
        card.body.addLayout(tools)
        self.status = Banner("success")
        self.status.setObjectName("contactsStatus")
        self.error = Banner("error")
        self.error.setObjectName("contactsError")
        card.body.addWidget(self.status)
        card.body.addWidget(self.error)
        self.table = list_table(vm.filtered, "contactsTable", stretch=0)
        self.table.setAccessibleName("Contacts")
        self.table.setMinimumHeight(320)
        self.table.setSortingEnabled(False)
        card.body.addWidget(self.table)
        self.empty = plain_label(role="hint")
        self.empty.setObjectName("contactsEmpty")
        card.body.addWidget(self.empty)

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(16)
        column.addLayout(head)
        column.addWidget(card)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scrolling(content, max_width=MAX_WIDTH))

        self.contact_dialog = ContactDialog(vm.form, self)
        self.import_dialog = ImportDialog(vm.importer, self)

        self.home.clicked.connect(app_vm.show_home)
        self.search.textChanged.connect(vm.search)
        self.add.clicked.connect(lambda: self._open_editor(None))
        self.edit.clicked.connect(lambda: self._open_editor(self.selected_id()))
        self.table.doubleClicked.connect(lambda _index: self._open_editor(self.selected_id()))
        self.delete.clicked.connect(self._delete)
        self.import_csv.clicked.connect(self._open_import)
        self.export_csv.clicked.connect(self._export)
        vm.form.saved.connect(lambda row, _created: self.select(row.id))
        vm.statusChanged.connect(self.status.show_message)
        vm.errorChanged.connect(self.error.show_message)
        vm.busyChanged.connect(self._on_rows)
        for signal in (vm.filtered.modelReset, vm.filtered.rowsInserted, vm.filtered.rowsRemoved):
            signal.connect(self._on_rows)
        self.table.selectionModel().selectionChanged.connect(self._on_rows)
        self._on_rows()

    def selected_id(self) -> int | None:
        """The selected contact's id."""
        rows = self.table.selectionModel().selectedRows()
        return int(rows[0].data(CONTACT_ID_ROLE)) if rows else None

    def select(self, contact_id: int) -> None:
        """Select the row of a contact (if the search shows it)."""
        model = self._vm.filtered
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            if index.data(CONTACT_ID_ROLE) == contact_id:
                self.table.selectionModel().select(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                return

    def _open_editor(self, contact_id: int | None) -> None:
        self._vm.edit(contact_id)
        self.contact_dialog.open()

    def _open_import(self) -> None:
        self._vm.importer.reset()
        self.import_dialog.open()

    def _delete(self) -> None:
        contact_id = self.selected_id()
        if contact_id is None:
            return
        name = str(self.table.selectionModel().selectedRows()[0].data() or "this contact")
        if self.ask_confirmation(self, "Delete contact", f"Delete {name} from your address book?"):
            self._vm.delete(contact_id)

    def _export(self) -> None:
        path = self.ask_save_path(self, "Export contacts", "contacts.csv", "CSV files (*.csv)")
        if path:
            self._vm.export(path)

    def _on_rows(self, *_args: object) -> None:
        shown = self._vm.filtered.rowCount()
        total = self._vm.model.rowCount()
        self.table.setVisible(shown > 0)
        self.empty.setVisible(shown == 0)
        self.empty.setText(
            "No contact matches the search."
            if total
            else "Your address book is empty. Add a contact or import a CSV file."
        )
        chosen = self.selected_id() is not None
        self.edit.setEnabled(chosen)
        self.delete.setEnabled(chosen)
        self.export_csv.setEnabled(total > 0)
        if shown and not chosen:
            self.table.selectionModel().select(
                self._vm.filtered.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
