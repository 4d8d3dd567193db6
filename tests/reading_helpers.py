"""Small hand-made input files for the reading tests (nothing is read from outside)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl

from vccap.errors import InputError
from vccap.normalize import fold
from vccap.tables import RawTable, read_table

TERRITOIRES = {"roannais": "Roannais Agglomération", "diois": "Diois", "morvan": "Morvan"}
REFERENCES = {
    "territoires": {
        **{fold(k): k for k in TERRITOIRES},
        **{fold(v): k for k, v in TERRITOIRES.items()},
    },
    "structures": {},
}


def write(tmp_path: Path, content: str | bytes, name: str = "table.csv",
          encoding: str = "utf-8") -> Path:  # fmt: skip
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def read(tmp_path: Path, content: str | bytes, kind: str = "contacts", *, name: str = "table.csv",
         encoding: str = "utf-8", **kwargs) -> RawTable:  # fmt: skip
    kwargs.setdefault("references", REFERENCES)
    return read_table(write(tmp_path, content, name, encoding), kind, **kwargs)


def codes(items: list[InputError]) -> list[str]:
    return [p.code for p in items]


def workbook(tmp_path: Path, sheets: dict[str, list[list]], name: str = "t.xlsx", *,
             hidden_sheets: tuple[str, ...] = (), hidden_rows: dict[str, list[int]] | None = None
             ) -> Path:  # fmt: skip
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        if title in hidden_sheets:
            ws.sheet_state = "hidden"
        for r in (hidden_rows or {}).get(title, []):
            ws.row_dimensions[r].hidden = True
    path = tmp_path / name
    wb.save(path)
    return path


def _cell(value) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, int | float):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")  # fmt: skip
    return (
        f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    )


def ods(tmp_path: Path, sheets: dict[str, list[list]], name: str = "t.ods", *,
        hidden_sheets: tuple[str, ...] = (),
        hidden_rows: tuple[int, ...] = ()) -> Path:  # fmt: skip
    """A minimal OpenDocument spreadsheet written by hand (rows 1-based in hidden_rows)."""
    tables = []
    for title, rows in sheets.items():
        style = ' table:style-name="cache"' if title in hidden_sheets else ""
        body = []
        for n, row in enumerate(rows, start=1):
            vis = ' table:visibility="collapse"' if n in hidden_rows else ""
            body.append(f"<table:table-row{vis}>" + "".join(map(_cell, row)) + "</table:table-row>")
        tables.append(
            f'<table:table table:name="{title}"{style}>' + "".join(body) + "</table:table>"
        )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" office:version="1.2">'
        '<office:automatic-styles><style:style style:name="cache" style:family="table">'
        '<style:table-properties table:display="false"/></style:style></office:automatic-styles>'
        "<office:body><office:spreadsheet>"
        + "".join(tables)
        + "</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path
