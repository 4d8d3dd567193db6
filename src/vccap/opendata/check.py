"""The open data's part of the build's audit: its files say nothing their pages do not.

The disclosure control (``vccap.build.disclosure``) reasons on what the pages publish; the
open-data files are derived from the pages, and this check makes sure they stay so:

- each CSV under ``donnees/tableaux/<page>/`` is exactly one of the files its page gives
  again (:func:`vccap.opendata.pagetables.with_downloads` on the published page), and no
  CSV is left without its page;
- each number of the data package's ``indicateurs``/``objectifs`` is written on the page of
  its action (the same digits: ``62.23`` is ``62,23`` there, ``8400`` is ``8 400``), and a
  value the package says is not published has no value.

A national site's package (``vccap federer``) is the regions' packages end to end: its
numbers are checked by ``vccap federer`` against the regional packages, not here. A finding
is ``(file under the site, what is wrong)``, in French; the build stops on any
(:class:`vccap.errors.OpenDataMismatch`).
"""

from __future__ import annotations

import csv
import html as htmllib
import io
import json
import re
from collections.abc import Iterable
from pathlib import Path

from vccap.opendata.pagetables import TABLES_DIR, with_downloads

_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"[\s\u00a0\u202f]+")
_DIGIT_GROUP_RE = re.compile(r"(?<=\d)[\u00a0\u202f ](?=\d{3}\b)")
#: Package resources whose ``valeur`` (and ``cible``) are numbers shown on action pages.
NUMBER_RESOURCES = {"indicateurs": ("valeur",), "objectifs": ("valeur", "cible")}


def plain_text(page: str) -> str:
    """A page's visible text on one line, numbers without thousands separators
    (``8 400 €`` -> ``8400 €``)."""
    text = htmllib.unescape(_TAG_RE.sub(" ", page))
    text = _DIGIT_GROUP_RE.sub("", text)
    return _SPACE_RE.sub(" ", text)


def number_on_page(value: str, text: str) -> bool:
    """Whether the package's number ``value`` (``"62.23"``) is written in ``text`` as a page
    writes it (``62,23``), as a whole number (not the start of ``62,234``)."""
    shown = value.replace(".", ",")
    return re.search(rf"(?<![\d,]){re.escape(shown)}(?![\d]|,\d)", text) is not None


def check_page_tables(site: Path, pages: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """Findings on the pages' CSV files. ``pages``: page ids to check (``actions/<id>``,
    ``index``); None: every page of the site."""
    site = Path(site)
    root = site / TABLES_DIR
    findings: list[tuple[str, str]] = []
    on_disk: dict[str, list[Path]] = {}
    if root.is_dir():
        for path in sorted(root.rglob("*.csv")):
            on_disk.setdefault(path.parent.relative_to(root).as_posix(), []).append(path)
    wanted = set(on_disk) if pages is None else set(pages)
    for page_id in sorted(wanted):
        page = site / f"{page_id}.html"
        files = on_disk.get(page_id, [])
        if not page.is_file():
            findings += [(p.relative_to(site).as_posix(), "fichier sans sa page") for p in files]
            continue
        _, expected = with_downloads(page.read_text(encoding="utf-8"), page_id)
        for path in files:
            rel = path.relative_to(site).as_posix()
            if rel not in expected:
                findings.append((rel, "tableau absent de sa page"))
            elif expected[rel] != path.read_bytes():
                findings.append((rel, "contenu différent du tableau de la page"))
        present = {p.relative_to(site).as_posix() for p in files}
        missing = [rel for rel in expected if rel not in present]
        findings += [(rel, "tableau de la page sans son fichier") for rel in missing]
    return findings


def check_package_numbers(
    site: Path, actions: Iterable[str] | None = None
) -> list[tuple[str, str]]:
    """Findings on the data package's numbers: each is on its action's page. ``actions``:
    action ids to check; None: all of them."""
    site = Path(site)
    folder = site / "donnees"
    if _federated(folder / "datapackage.json"):
        return []  # a national site's package: its regions' pages are elsewhere (vccap federer)
    keep = None if actions is None else set(actions)
    texts: dict[str, str | None] = {}
    findings: list[tuple[str, str]] = []
    for name, columns in NUMBER_RESOURCES.items():
        path = folder / f"{name}.csv"
        if not path.is_file():
            continue
        rel = path.relative_to(site).as_posix()
        rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
        for number, row in enumerate(rows, start=2):
            action = row.get("action", "")
            if keep is not None and action not in keep:
                continue
            if action not in texts:
                page = site / "actions" / f"{action}.html"
                texts[action] = plain_text(page.read_text("utf-8")) if page.is_file() else None
            text = texts[action]
            hidden = row.get("etat") == "non_publie" or row.get("statut") == "non_publie"
            where = f"{rel}:{number}"
            for column in columns:
                value = row.get(column) or ""
                if not value:
                    continue
                if hidden and column == "valeur":
                    findings.append((where, f"valeur donnée pour un chiffre non publié ({column})"))
                elif text is None:
                    findings.append((where, f"action sans page publiée ({action})"))
                elif not number_on_page(value, text):
                    findings.append((where, f"« {value} » ({column}) absent de sa page"))
    return findings


def _federated(path: Path) -> bool:
    """Whether a package is a national one (``vccap federer``: ``vccap.regions``)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "regions" in (data.get("vccap") or {})


def check_open_data(
    site: Path, pages: Iterable[str] | None = None, actions: Iterable[str] | None = None
) -> list[tuple[str, str]]:
    """Both checks (see the module); None: the whole site."""
    return check_page_tables(site, pages) + check_package_numbers(site, actions)
