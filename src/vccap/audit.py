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


def audit_text(
    text: str,
    display: str,
    line: int,
    finder: Finder,
    memo: dict[str, list[tuple[str, str]]] | None = None,
) -> list[AuditHit]:
    """Personal data in one line of text. ``memo`` (line -> what was found in it) spares
    searching again a line already searched: pages share their headers, menus and notes
    (the example's 15,070 lines hold 5,201 different ones)."""
    found_in = memo.get(text) if memo is not None else None
    if found_in is None:
        found_in = []
        for view in views(text):
            for found in finder.find(view):
                item = (KINDS[(found.kind, found.known)], mask(view[found.start : found.end]))
                if item not in found_in:
                    found_in.append(item)
        if memo is not None:
            memo[text] = found_in
    return [AuditHit(display, line, kind, excerpt) for kind, excerpt in found_in]


def audit_file(
    path: Path,
    display: str,
    finder: Finder,
    memo: dict[str, list[tuple[str, str]]] | None = None,
) -> list[AuditHit]:
    """Personal data in one published file."""
    if path.suffix.lower() not in TEXT_SUFFIXES or vendored(path):
        return []
    hits: list[AuditHit] = []
    memo = {} if memo is None else memo
    for number, line in iter_lines(path):
        hits.extend(audit_text(line, display, number, finder, memo))
    return hits


#: Below this many files, one process scans them (starting workers costs more).
PARALLEL_FROM = 60
_SCAN: tuple[Finder, list[tuple[Path, str]]] | None = None


def _scan_part(part: int, parts: int) -> list[AuditHit]:
    """Worker: every ``parts``-th file of the list the parent set before forking."""
    assert _SCAN is not None
    finder, files = _SCAN
    memo: dict[str, list[tuple[str, str]]] = {}
    hits: list[AuditHit] = []
    for path, display in files[part::parts]:
        hits.extend(audit_file(path, display, finder, memo))
    return hits


def scan_files(files: list[tuple[Path, str]], finder: Finder, jobs: int = 1) -> list[AuditHit]:
    """Audit ``files`` ((path, name shown) pairs) with ``finder``: hits in the files' order.
    With ``jobs`` > 1 and many files, forked worker processes share the list (where fork
    exists)."""
    from vccap.forking import can_fork, forked_pool

    global _SCAN
    if jobs > 1 and len(files) >= PARALLEL_FROM and can_fork():
        _SCAN = (finder, files)
        try:
            with forked_pool(jobs) as pool:
                parts = list(pool.map(_scan_part, range(jobs), [jobs] * jobs))
        finally:
            _SCAN = None
        order = {display: i for i, (_, display) in enumerate(files)}
        hits = [hit for part in parts for hit in part]
        hits.sort(key=lambda h: (order.get(h.file, 0), h.line))
        return hits
    memo: dict[str, list[tuple[str, str]]] = {}
    hits = []
    for path, display in files:
        hits.extend(audit_file(path, display, finder, memo))
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
    jobs: int = 1,
) -> list[AuditHit]:
    """Scan every file under ``out_dir`` for personal values and e-mail / phone patterns.

    Give the raw ``values`` (hashed here with a throw-away key), already ``hashed`` ones, or
    the scrubber's own ``finder``; ``threshold`` is the workspace's (rare first names) and
    ``places`` the words of its own names (:attr:`Workspace.place_words`). ``skip(path)`` may
    leave out files
    known to be clean (the build's incremental audit). Files are named under
    ``display_name`` (default: the folder's name), as in ``reports/index.html``. ``jobs``:
    worker processes for many files (:func:`scan_files`).
    """
    if finder is None:
        if hashed is None and values is not None:
            hashed = HashedValues.of(values, secrets.token_bytes(32))
        finder = Finder(hashed, threshold, places)
    out_dir = Path(out_dir)
    name = display_name or out_dir.name
    files = [
        (path, f"{name}/{path.relative_to(out_dir).as_posix()}")
        for path in sorted(p for p in out_dir.rglob("*") if p.is_file())
        if skip is None or not skip(path)
    ]
    return scan_files(files, finder, jobs)
