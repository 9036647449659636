"""Payment exports, streamed as they are read: CSV, and Excel (XLSX) without a dependency.

An XLSX file is a zip of a few XML parts; the sheet is written row by row into a zip entry over
an unseekable sink (zip data descriptors), and whatever the sink holds is sent after each batch.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import AsyncIterator
from datetime import datetime
from xml.sax.saxutils import escape

from services.payments.records import PaymentRecord
from shared.clock import instant_text

COLUMNS = (
    "id status amount currency amountRefunded orderId description method createdAt updatedAt"
).split()
_NUMERIC = {"amount", "amountRefunded"}
_FLUSH_BYTES = 64 * 1024
# Characters XML 1.0 cannot carry at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _values(payment: PaymentRecord) -> tuple[object, ...]:
    """The payment's cells, in the order of COLUMNS."""
    return (
        payment.id,
        payment.status,
        payment.amount,
        payment.currency,
        payment.amount_refunded,
        payment.order_id,
        payment.description,
        payment.method,
        payment.created_at,
        payment.updated_at,
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    return instant_text(value) if isinstance(value, datetime) else str(value)


def _csv_cell(value: object) -> str:
    text = _text(value)
    # A cell starting like a formula would run as one in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


async def csv_rows(rows: AsyncIterator[PaymentRecord]) -> AsyncIterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    async for payment in rows:
        writer.writerow(_csv_cell(value) for value in _values(payment))
        if buffer.tell() > _FLUSH_BYTES:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


class _Sink(io.RawIOBase):
    """A write-only, unseekable stream that hands over what was written so far."""

    def __init__(self) -> None:
        self._data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._data += data
        return len(data)

    def take(self) -> bytes:
        data = bytes(self._data)
        self._data.clear()
        return data


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xlsx_row(number: int, values: list[tuple[str, object]]) -> bytes:
    cells = []
    for index, (column, value) in enumerate(values):
        ref = f"{_column_letter(index)}{number}"
        if column in _NUMERIC and isinstance(value, int):
            cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        else:
            # Inline strings are never formulas, so no cell can run as one.
            text = escape(_NOT_XML.sub("", _text(value)))
            cells.append(
                f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
            )
    return f'<row r="{number}">{"".join(cells)}</row>'.encode()


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_OOXML = "http://schemas.openxmlformats.org"
_PACKAGE_RELS = f"{_OOXML}/package/2006/relationships"
_DOC_RELS = f"{_OOXML}/officeDocument/2006/relationships"
_SHEET_NS = f"{_OOXML}/spreadsheetml/2006/main"
_OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="{_OOXML}/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_OFFICE}.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{_OFFICE}.worksheet+xml"/></Types>'
)
_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'{_XML}<workbook xmlns="{_SHEET_NS}" xmlns:r="{_DOC_RELS}">'
    '<sheets><sheet name="Payments" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
_SHEET_START = f'{_XML}<worksheet xmlns="{_SHEET_NS}"><sheetData>'.encode()
_SHEET_END = b"</sheetData></worksheet>"
XLSX_MEDIA_TYPE = f"{_OFFICE}.sheet"


async def xlsx_rows(rows: AsyncIterator[PaymentRecord]) -> AsyncIterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_START)
            sheet.write(_xlsx_row(1, [("", column) for column in COLUMNS]))
            number = 1
            async for payment in rows:
                number += 1
                sheet.write(_xlsx_row(number, list(zip(COLUMNS, _values(payment), strict=True))))
                if number % 500 == 0:
                    yield sink.take()
            sheet.write(_SHEET_END)
    yield sink.take()
