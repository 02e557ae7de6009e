"""The address book and its CSV import dialog against the real bundled server."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from app.ui.contacts_page import ContactsPage
from app.ui.home_page import HomePage
from app.ui.import_dialog import ImportDialog
from app.viewmodels.app_viewmodel import Page
from tests.app.ui.conftest import wait_for, wait_page
from tests.app.ui.helpers import click, fill, rich_text_labels, shown_errors, type_into
from tests.app.ui.privacy.conftest import Member, run

GOOD_CSV = (
    "Vorname;Nachname;E-mail Address;Company\n"
    "Mary;Somerville;mary@example.org;Royal Society\n"
    "Charles;Babbage;CHARLES@example.org;\n"
)
BAD_CSV = (
    "First Name,Last Name,E-mail Address\n"
    "Mary,Somerville,mary@example.org\n"
    "Charles,Babbage,charles-at-example\n"
    "<b>Ada</b>,Byron,\n"
)


def open_contacts(qtbot: QtBot, member: Member) -> ContactsPage:
    """From home to the address book."""
    home = member.page(Page.HOME)
    assert isinstance(home, HomePage)
    click(qtbot, home.contacts)
    wait_page(qtbot, member.window, Page.CONTACTS)
    page = member.page(Page.CONTACTS)
    assert isinstance(page, ContactsPage)
    wait_for(qtbot, page.empty.isVisible)
    return page


def server_emails(qtbot: QtBot, member: Member) -> list[str]:
    """The e-mail addresses in Ada's address book, as the server holds it."""

    async def read() -> list[str]:
        api = await member.api()
        async with api:
            return [contact.get("email") for contact in await api.contacts()]

    return run(qtbot, read())


def pick(box: QComboBox, target: str) -> None:
    """Choose an item the way a person does (which emits `activated`)."""
    index = box.findData(target)
    assert index >= 0, target
    box.setCurrentIndex(index)
    box.activated.emit(index)


def test_add_edit_search_export_delete(qtbot: QtBot, member: Member, tmp_path: Path) -> None:
    page = open_contacts(qtbot, member)
    vm = member.window.vm.contacts
    assert "empty" in page.empty.text()
    assert not page.edit.isEnabled() and not page.export_csv.isEnabled()

    click(qtbot, page.add)
    dialog = page.contact_dialog
    wait_for(qtbot, dialog.isVisible)
    fill(qtbot, dialog.form, {"first_name": "Charles", "email": "charles@"})
    dialog.notes.setPlainText("Difference engine")
    click(qtbot, dialog.save)
    wait_for(qtbot, lambda: shown_errors(dialog.form))
    assert set(shown_errors(dialog.form)) == {"email"}
    assert dialog.isVisible() and vm.model.rowCount() == 0
    fill(qtbot, dialog.form, {"last_name": "Babbage", "email": "charles@example.org"})
    click(qtbot, dialog.save)
    wait_for(qtbot, lambda: not dialog.isVisible())
    assert [row.name for row in vm.model.rows()] == ["Charles Babbage"]
    assert page.status.text() == "Added Charles Babbage."

    click(qtbot, page.add)
    wait_for(qtbot, dialog.isVisible)
    assert dialog.form.row("first_name").edit.text() == ""
    fill(qtbot, dialog.form, {"first_name": "Mary", "email": "CHARLES@example.org"})
    click(qtbot, dialog.save)
    wait_for(qtbot, lambda: "email" in shown_errors(dialog.form))
    fill(qtbot, dialog.form, {"last_name": "Somerville", "email": "mary@example.org"})
    click(qtbot, dialog.save)
    wait_for(qtbot, lambda: not dialog.isVisible())
    assert vm.model.rowCount() == 2

    # Edit the selected contact: the one just added.
    assert page.selected_id() == vm.model.rows()[1].id
    click(qtbot, page.edit)
    wait_for(qtbot, dialog.isVisible)
    assert dialog.heading.text() == "Edit contact"
    assert dialog.form.row("email").edit.text() == "mary@example.org"
    type_into(qtbot, dialog.form.row("company").edit, "Royal Society")
    click(qtbot, dialog.save)
    wait_for(qtbot, lambda: not dialog.isVisible())
    assert vm.model.row_of(vm.model.rows()[1].id).values["company"] == "Royal Society"

    # Search covers notes too, without case.
    type_into(qtbot, page.search, "DIFFERENCE")
    assert vm.filtered.rowCount() == 1
    type_into(qtbot, page.search, "nobody")
    assert page.empty.isVisible() and "No contact matches" in page.empty.text()
    page.search.clear()
    assert vm.filtered.rowCount() == 2

    target = tmp_path / "contacts.csv"
    page.ask_save_path = lambda *_args: str(target)
    click(qtbot, page.export_csv)
    wait_for(qtbot, target.exists)
    exported = target.read_bytes().decode("utf-8-sig")
    assert exported.startswith("first_name,last_name,email")
    assert "Royal Society" in exported and "Difference engine" in exported

    page.select(vm.model.rows()[0].id)
    asked: list[str] = []
    page.ask_confirmation = lambda _parent, _title, question: asked.append(question) or True
    click(qtbot, page.delete)
    wait_for(qtbot, lambda: vm.model.rowCount() == 1)
    assert asked == ["Delete Charles Babbage from your address book?"]
    assert server_emails(qtbot, member) == ["mary@example.org"]


def test_import_with_a_changed_mapping(qtbot: QtBot, member: Member, tmp_path: Path) -> None:
    page = open_contacts(qtbot, member)
    vm = member.window.vm.contacts
    source = tmp_path / "kontakte.csv"
    source.write_bytes(GOOD_CSV.encode("cp1252"))
    click(qtbot, page.import_csv)
    dialog = page.import_dialog
    assert isinstance(dialog, ImportDialog)
    wait_for(qtbot, dialog.isVisible)
    assert not dialog.run.isEnabled()
    dialog.ask_open_path = lambda *_args: str(source)
    click(qtbot, dialog.choose)
    wait_for(qtbot, lambda: dialog.file.text() == "kontakte.csv" and dialog.preview.isVisible())
    assert "2 rows read" in dialog.summary.text() and "semicolon" in dialog.summary.text()
    mapping = {header: str(box.currentData()) for header, box in dialog.mappings}
    assert mapping == {
        "Vorname": "ignore",
        "Nachname": "ignore",
        "E-mail Address": "email",
        "Company": "company",
    }
    assert vm.importer.rows.headers == ("Row", "E-mail", "Company")

    boxes = dict(dialog.mappings)
    pick(boxes["Vorname"], "first_name")
    wait_for(qtbot, lambda: "First name" in vm.importer.rows.headers)
    pick(boxes["Nachname"], "last_name")
    wait_for(qtbot, lambda: "Last name" in vm.importer.rows.headers)
    assert vm.importer.rows.column("First name") == ["Mary", "Charles"]
    assert vm.importer.rows.column("Row") == ["2", "3"]
    assert "adds 2 new contacts" in dialog.summary.text()
    assert not dialog.problems.isVisible()
    assert rich_text_labels(dialog) == []

    click(qtbot, dialog.run)
    wait_for(qtbot, dialog.status.isVisible)
    assert dialog.status.text().startswith("Imported 2 new contacts and merged 0 rows")
    assert not dialog.run.isEnabled() and dialog.close_button.text() == "Done"
    wait_for(qtbot, lambda: vm.model.rowCount() == 2)
    click(qtbot, dialog.close_button)
    assert not dialog.isVisible()
    assert page.status.text().startswith("Imported 2 new contacts")
    assert sorted(server_emails(qtbot, member)) == ["CHARLES@example.org", "mary@example.org"]
    assert [row.name for row in vm.model.rows()] == ["Charles Babbage", "Mary Somerville"]


def test_a_bad_row_is_shown_and_nothing_is_imported(
    qtbot: QtBot, member: Member, tmp_path: Path
) -> None:
    page = open_contacts(qtbot, member)
    importer = member.window.vm.contacts.importer
    source = tmp_path / "contacts.csv"
    source.write_text(BAD_CSV, encoding="utf-8")
    click(qtbot, page.import_csv)
    dialog = page.import_dialog
    wait_for(qtbot, dialog.isVisible)
    dialog.ask_open_path = lambda *_args: str(source)
    click(qtbot, dialog.choose)
    wait_for(qtbot, dialog.problems.isVisible)
    assert importer.errors.rows()[0].cells == ("3", "E-mail", "Not a valid e-mail address.")
    assert "Podium imports all rows or none" in dialog.error.text()
    assert not dialog.run.isEnabled()
    flagged = [row.cells[0] for row in importer.rows.rows() if row.problem]
    assert flagged == ["3"]
    assert importer.rows.column("First name")[2] == "<b>Ada</b>"  # shown as typed, not as markup

    # Asked to import anyway (e.g. the file changed): the server's row report, nothing stored.
    importer.run_import()
    wait_for(qtbot, lambda: "Nothing was imported" in dialog.error.text())
    assert importer.errors.column("Row") == ["3"]
    assert server_emails(qtbot, member) == []

    # Fixed in the file, checked again, imported.
    source.write_text(BAD_CSV.replace("charles-at-example", "charles@example.org"), "utf-8")
    click(qtbot, dialog.recheck)
    wait_for(qtbot, dialog.run.isEnabled)
    assert not dialog.problems.isVisible() and not dialog.error.isVisible()
    click(qtbot, dialog.run)
    wait_for(qtbot, dialog.status.isVisible)
    assert "Imported 3 new contacts" in dialog.status.text()
    assert len(server_emails(qtbot, member)) == 3
