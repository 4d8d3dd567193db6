"""Which documents a build writes beside its pages, and writing them for one page.

``vccap build --formats html,docx,pdf``: ``html`` is the site (always written); ``docx`` and
``pdf`` are written beside each page of the kinds in :data:`DOCUMENT_KINDS` (action reports,
method sheets, yearly reviews), from the page itself, so that they hold the same content.
A page's documents are rebuilt when the page is (same hash, see :mod:`vccap.build.core`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from vccap.errors import UnknownFormat

FORMATS = ("html", "docx", "pdf")
DOCUMENT_FORMATS = ("docx", "pdf")
#: Page kinds that get Word and PDF documents.
DOCUMENT_KINDS = frozenset({"actions", "fiches", "annees"})
KIND_NOUNS = {
    "actions": "Bilan d'action",
    "fiches": "Fiche méthode",
    "annees": "Bilan annuel",
}


def parse_formats(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"html,docx"`` -> ``("html", "docx")``: known formats, in the kit's order, html first.

    ``None`` or empty means html alone. Raises :class:`~vccap.errors.UnknownFormat`.
    """
    if value is None:
        return ("html",)
    items = value.split(",") if isinstance(value, str) else list(value)
    names = [i.strip().lower().lstrip(".") for i in items if i and i.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown:
        raise UnknownFormat(unknown, list(FORMATS))
    return tuple(f for f in FORMATS if f == "html" or f in names)


def documents_of(kind: str, formats: Iterable[str]) -> tuple[str, ...]:
    """The document formats (``docx``, ``pdf``) a page of ``kind`` gets."""
    if kind not in DOCUMENT_KINDS:
        return ()
    return tuple(f for f in DOCUMENT_FORMATS if f in formats)


def document_path(out: Path, page_id: str, fmt: str) -> Path:
    """``OUT/actions/<id>.docx`` for page ``actions/<id>``."""
    return Path(out) / f"{page_id}.{fmt}"


def write_documents(
    out: Path,
    page_id: str,
    kind: str,
    title: str,
    site_title: str,
    formats: Iterable[str],
    *,
    chromium: str | None = None,
) -> dict[str, str]:
    """Write the documents of one built page (``OUT/<page_id>.html`` must exist).

    Returns the formats that failed, each with the converter's words (empty when all were
    written): a failure stays with its page, the build goes on.
    """
    out = Path(out)
    page_path = out / f"{page_id}.html"
    failed: dict[str, str] = {}
    for fmt in documents_of(kind, formats):
        target = document_path(out, page_id, fmt)
        try:
            if fmt == "docx":
                from vccap.formats.word import write_docx

                noun = KIND_NOUNS.get(kind, "Page")
                write_docx(
                    page_path.read_text(encoding="utf-8"),
                    target,
                    title=title,
                    subtitle=f"{noun} — {site_title}",
                    about=(
                        f"Ce document reprend la page « {title} » du site « {site_title} » "
                        f"({page_id}.html) : mêmes chiffres et mêmes tableaux ; chaque "
                        "graphique y est une image suivie de sa description et de ses données."
                    ),
                )
            elif fmt == "pdf":
                from vccap.formats.pdf import write_pdf

                if chromium is None:
                    raise RuntimeError("aucun Chromium")
                write_pdf(page_path, target, chromium)
        except Exception as exc:  # noqa: BLE001 - a document never brings the build down
            target.unlink(missing_ok=True)
            lines = str(exc).strip().splitlines()
            failed[fmt] = f"{type(exc).__name__} : {lines[0] if lines else ''}".strip(" :")
    return failed
