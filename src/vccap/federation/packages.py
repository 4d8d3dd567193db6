"""Reading a region's published data package, the only input of ``vccap federer``.

A source is a site folder built by ``vccap build`` (its ``donnees/datapackage.json``), a
folder holding a ``datapackage.json``, or that file itself. The package is validated with
frictionless (the engine of the French Validata service) before anything is read; its
format's major version must be :data:`vccap.opendata.package.FORMAT_VERSION`'s. Only the
resources and fields of the kit's own schemas (:mod:`vccap.opendata.schema`) are kept: a
column a package might add is never read.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vccap.errors import PackageUnreadable
from vccap.opendata.package import FORMAT_VERSION, PACKAGE_FILE
from vccap.opendata.pagetables import DATA_DIR
from vccap.opendata.schema import RESOURCES


@dataclass
class RegionalPackage:
    """One region's published figures: ``rows[resource]`` -> list of ``{field: text}``
    (the kit's fields only; missing fields are empty text)."""

    source: Path  # the datapackage.json read
    descriptor: dict[str, Any]
    rows: dict[str, list[dict[str, str]]]

    @property
    def info(self) -> dict[str, str]:
        """The ``regions`` row: region, nom_region, demarche, chef_de_file, site…"""
        return self.rows["regions"][0]

    @property
    def region(self) -> str:
        return self.info["region"]

    @property
    def name(self) -> str:
        """The region's name as it writes it (else its démarche's)."""
        return self.info.get("nom_region") or self.info.get("demarche") or self.region

    def page_url(self, path: str) -> str | None:
        """The address of one of its pages (``actions/x.html``), when its site is known."""
        site = self.info.get("site", "")
        if not site or not path:
            return None
        return site.rstrip("/") + "/" + path.lstrip("/")


def package_path(source: str | Path) -> Path:
    """The ``datapackage.json`` of a source (see the module); raises
    :class:`PackageUnreadable` (``introuvable``)."""
    path = Path(source)
    for candidate in (path / DATA_DIR / PACKAGE_FILE, path / PACKAGE_FILE, path):
        if candidate.is_file() and candidate.name == PACKAGE_FILE:
            return candidate
    raise PackageUnreadable(str(source), "introuvable")


def read_package(source: str | Path, *, validate: bool = True) -> RegionalPackage:
    """Read and check one regional package. Raises :class:`PackageUnreadable`."""
    path = package_path(source)
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise PackageUnreadable(str(source), "illisible", str(exc)) from None
    if not isinstance(descriptor, dict):
        raise PackageUnreadable(str(source), "illisible", "pas un objet JSON")
    version = str((descriptor.get("vccap") or {}).get("format", descriptor.get("version", "")))
    if version.split(".")[0] != FORMAT_VERSION.split(".")[0]:
        raise PackageUnreadable(str(source), "version", version or "aucune")
    if validate:
        _validate(path, str(source))
    files = {r.get("name"): r.get("path") for r in descriptor.get("resources", [])}
    rows: dict[str, list[dict[str, str]]] = {}
    for name, spec in RESOURCES.items():
        fields = [f["name"] for f in spec["fields"]]
        rel = files.get(name)
        if not isinstance(rel, str) or Path(rel).is_absolute() or ".." in Path(rel).parts:
            raise PackageUnreadable(str(source), "invalide", f"ressource « {name} » absente")
        try:
            text = (path.parent / rel).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise PackageUnreadable(str(source), "illisible", str(exc)) from None
        reader = csv.DictReader(io.StringIO(text))
        rows[name] = [{f: (row.get(f) or "").strip() for f in fields} for row in reader]
    if len(rows["regions"]) != 1:
        raise PackageUnreadable(str(source), "invalide", "une ligne attendue dans « regions »")
    return RegionalPackage(path, descriptor, rows)


def _validate(path: Path, source: str) -> None:
    import frictionless

    report = frictionless.validate(str(path))
    if not report.valid:
        errors = report.flatten(["rowNumber", "fieldName", "note"])
        if not errors:
            errors = [[e.note for e in report.errors]]
        raise PackageUnreadable(source, "invalide", " ".join(str(x) for x in errors[0] if x))


def read_packages(sources: list[str | Path], *, validate: bool = True) -> list[RegionalPackage]:
    """Every source's package, in the order given; two packages of one region are an error
    (``region_double``)."""
    packages: list[RegionalPackage] = []
    seen: dict[str, str] = {}
    for source in sources:
        package = read_package(source, validate=validate)
        if package.region in seen:
            raise PackageUnreadable(str(source), "region_double", package.region)
        seen[package.region] = str(source)
        packages.append(package)
    return packages
