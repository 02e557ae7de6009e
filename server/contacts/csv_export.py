"""Writing the address book as CSV that spreadsheets open safely."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Mapping

from server.contacts.fields import CONTACT_FIELDS
from server.privacy.csv_safety import neutralise


def export_csv(contacts: Iterable[Mapping[str, str | None]]) -> bytes:
    """UTF-8 with a BOM, so Excel reads accents right; our field names as headers."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CONTACT_FIELDS)
    for contact in contacts:
        writer.writerow([neutralise(contact.get(name) or "") for name in CONTACT_FIELDS])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")
