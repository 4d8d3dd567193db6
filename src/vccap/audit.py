"""The audit of published files: every form the scrubber removes is a form it finds.

Each line of a text file is read as written and, when it differs, as a reader sees it (tags
removed, HTML entities and JSON ``\\uXXXX`` escapes decoded); both are searched with the
scrubber's own :class:`~vccap.personal.Finder`.
"""

from __future__ import annotations

import html
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from vccap import textnorm
from vccap.errors import AuditHit
from vccap.personal import Finder, HashedValues, PersonalValues

TEXT_SUFFIXES = {
    ".html",
    ".htm",
    ".ipynb",
    ".json",
    ".csv",
    ".txt",
    ".md",
    ".js",
    ".css",
    ".yml",
    ".yaml",
    ".svg",
    ".xml",
    ".docx",
    ".pdf",
    ".qmd",
}
_TAG_RE = re.compile(r"<[^<>]{0,400}>")
_JSON_ESCAPE_RE = re.compile(r"\\u([0-9a-fA-F]{4})")


def vendored(path: Path) -> bool:
    """True for the unmodified copy of plotly.js (its digits would look like phone numbers)."""
    if path.name != "plotly.min.js":
        return False
    from importlib import resources

    try:
        original = resources.files("plotly").joinpath("package_data", "plotly.min.js")
        return (
            path.stat().st_size == original.stat().st_size
            and path.read_bytes() == original.read_bytes()
        )
    except (OSError, FileNotFoundError, AttributeError):
        return False


def mask(value: str) -> str:
    """A found value as the audit shows it: enough to find it, not enough to read it."""
    if "@" in value:
        local, _, domain = value.partition("@")
        return (local[:1] + "***@" + domain.strip()) if local else "***@" + domain
    if len(value) <= 2:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 2)


def iter_lines(path: Path) -> Iterable[tuple[int, str]]:
    """Lines of a published file (undecodable bytes replaced); for a Word document or a PDF,
    the lines of its text (:func:`vccap.formats.text.document_lines`)."""
    from vccap.formats.text import document_lines

    lines = document_lines(path)
    if lines is not None:
        yield from enumerate(lines, start=1)
        return
    with open(path, encoding="utf-8", errors="replace") as handle:
        yield from enumerate(handle, start=1)


def views(line: str) -> list[str]:
    """The line as written and as read (no tags, entities and JSON escapes decoded)."""
    read = line
    if "\\u" in read:
        read = _JSON_ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), read)
    if "<" in read:
        read = _TAG_RE.sub("", read)
    if "&" in read:
        read = html.unescape(read)
    # decomposed accents, full-width letters (Ｄｕｐｏｎｔ): read as their usual forms
    read = unicodedata.normalize("NFKC", read)
    return [textnorm.clean(line)] if read == line else [textnorm.clean(line), textnorm.clean(read)]


KINDS = {
    ("courriel", True): "courriel",
    ("courriel", False): "motif_courriel",
    ("telephone", True): "telephone",
    ("telephone", False): "motif_telephone",
    ("nom", True): "nom",
    ("prenom", True): "prenom",
}


def audit_text(text: str, display: str, line: int, finder: Finder) -> list[AuditHit]:
    """Personal data in one line of text."""
    hits: list[AuditHit] = []
    seen: set[tuple[str, str]] = set()
    for view in views(text):
        for found in finder.find(view):
            kind = KINDS[(found.kind, found.known)]
            excerpt = mask(view[found.start : found.end])
            if (kind, excerpt) not in seen:
                seen.add((kind, excerpt))
                hits.append(AuditHit(display, line, kind, excerpt))
    return hits


def audit_file(path: Path, display: str, finder: Finder) -> list[AuditHit]:
    """Personal data in one published file."""
    if path.suffix.lower() not in TEXT_SUFFIXES or vendored(path):
        return []
    hits: list[AuditHit] = []
    for number, line in iter_lines(path):
        hits.extend(audit_text(line, display, number, finder))
    return hits


def audit(
    out_dir: Path,
    values: PersonalValues | None = None,
    *,
    hashed: HashedValues | None = None,
    threshold: int = 3,
    places: Iterable[str] = (),
    finder: Finder | None = None,
    skip: Callable[[Path], bool] | None = None,
    display_name: str | None = None,
) -> list[AuditHit]:
    """Scan every file under ``out_dir`` for personal values and e-mail / phone patterns.

    Give the raw ``values`` (hashed here with a throw-away key), already ``hashed`` ones, or
    the scrubber's own ``finder``; ``threshold`` is the workspace's (rare first names) and
    ``places`` the words of its own names (:attr:`Workspace.place_words`). ``skip(path)`` may
    leave out files
    known to be clean (the build's incremental audit). Files are named under
    ``display_name`` (default: the folder's name), as in ``reports/index.html``.
    """
    if finder is None:
        if hashed is None and values is not None:
            hashed = HashedValues.of(values, secrets.token_bytes(32))
        finder = Finder(hashed, threshold, places)
    out_dir = Path(out_dir)
    name = display_name or out_dir.name
    hits: list[AuditHit] = []
    for path in sorted(p for p in out_dir.rglob("*") if p.is_file()):
        if skip is not None and skip(path):
            continue
        hits.extend(audit_file(path, f"{name}/{path.relative_to(out_dir).as_posix()}", finder))
    return hits
