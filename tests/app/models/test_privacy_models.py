"""The address book's table and search, and the plain text tables of the privacy panel."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.models.contacts_model import CONTACT_ID_ROLE, ContactRow, ContactsFilter, ContactsModel
from app.models.text_table_model import (
    KEY_ROLE,
    PROBLEM_ROLE,
    TextRow,
    TextTableModel,
    plain_tooltip,
)


def contact(contact_id: int, first: str, last: str = "", **more: str) -> ContactRow:
    """A row with some fields."""
    return ContactRow(id=contact_id, values={"first_name": first, "last_name": last, **more})


def test_contacts_put_update_remove_and_search(qapp: object) -> None:
    model = ContactsModel()
    found = ContactsFilter(model)
    model.set_rows([contact(1, "Mary", "Somerville", email="mary@example.org")])
    model.put(contact(2, "Charles", "Babbage", notes="Difference engine"))
    assert model.rowCount() == 2
    assert model.index(1, 0).data() == "Charles Babbage"
    assert model.index(1, 0).data(CONTACT_ID_ROLE) == 2
    assert "Difference engine" in model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    model.put(contact(1, "Mary", "Somerville", company="Royal Society"))
    assert model.rowCount() == 2 and model.index(0, 3).data() == "Royal Society"
    found.search("DIFFERENCE")
    assert found.rowCount() == 1 and found.index(0, 0).data(CONTACT_ID_ROLE) == 2
    found.search("")
    assert found.rowCount() == 2
    model.remove(2)
    model.remove(99)
    assert [row.id for row in model.rows()] == [1]
    assert contact(3, "", email="x@example.org").name == ""


def test_text_table_rows_keys_problems_and_headers(qapp: object) -> None:
    model = TextTableModel(("Row", "Problem"))
    model.set_rows([TextRow(("3", "<b>bad</b>"), key=3, problem=True, tooltip="<b>why</b>")])
    index = model.index(0, 1)
    assert index.data() == "<b>bad</b>"
    assert index.data(KEY_ROLE) == 3 and index.data(PROBLEM_ROLE) is True
    # Tooltips would take markup as markup: the text is escaped so it shows as typed.
    assert "&lt;b&gt;why&lt;/b&gt;" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert plain_tooltip("") is None
    assert model.column("Row") == ["3"]
    model.set_rows([], headers=("Row", "E-mail"))
    assert model.headers == ("Row", "E-mail") and model.rowCount() == 0
    assert model.headerData(1, Qt.Orientation.Horizontal) == "E-mail"
