"""The text of published documents (Word, PDF), line by line, for the privacy audit.

A ``.docx`` is a zip of XML parts and a PDF compresses its text: read as bytes, neither would
show a name or an e-mail address to the audit. :func:`document_lines` gives their text.
"""

from __future__ import annotations

import re
from pathlib import Path

_XML_BREAK_RE = re.compile(r"</w:p>|<w:br\b[^>]*>|<w:tab\b[^>]*>|</w:tc>|</a:p>")
_XML_TAG_RE = re.compile(r"<[^>]+>")
_XML_DESCR_RE = re.compile(r'\s(?:descr|title)="([^"]*)"')


def docx_lines(path: Path) -> list[str]:
    """The text of a ``.docx`` (a zip of XML parts), one line per paragraph, every part
    included (body, notes, headers, properties, image descriptions). A broken zip gives one
    line saying so."""
    import html
    import zipfile

    lines: list[str] = []
    try:
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                if not name.endswith((".xml", ".rels")):
                    continue
                xml = archive.read(name).decode("utf-8", errors="replace")
                # Image descriptions and titles are text a reader sees too.
                lines += [html.unescape(v) for v in _XML_DESCR_RE.findall(xml) if v.strip()]
                text = html.unescape(_XML_TAG_RE.sub("", _XML_BREAK_RE.sub("\n", xml)))
                lines += [line for line in text.splitlines() if line.strip()]
    except (OSError, zipfile.BadZipFile):
        lines.append("[document Word illisible]")
    return lines


def pdf_lines(path: Path) -> list[str]:
    """The text of a PDF (pypdf), line by line; document metadata included."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    lines: list[str] = []
    try:
        reader = PdfReader(str(path))
        for value in (reader.metadata or {}).values():
            lines.append(str(value))
        for page in reader.pages:
            lines += (page.extract_text() or "").splitlines()
    except (OSError, PdfReadError, ValueError):
        lines.append("[PDF illisible]")
    return lines


def document_lines(path: Path) -> list[str] | None:
    """The text lines of a ``.docx`` or ``.pdf`` file; None for any other file."""
    suffix = Path(path).suffix.lower()
    if suffix == ".docx":
        return docx_lines(path)
    if suffix == ".pdf":
        return pdf_lines(path)
    return None
