"""One exception tree for vccap.

Every exception carries its facts as attributes. Messages for people (in French) are
composed by :mod:`vccap.messages`; the CLI only prints them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: Severities of an :class:`InputError`: an error makes the action (or the workspace) invalid;
#: a warning is said (by ``vccap validate`` and in the page's method note) but the figures
#: stand; an information lists what was left aside (an ignored column, file or sheet).
ERREUR = "erreur"
AVERTISSEMENT = "avertissement"
INFORMATION = "information"
SEVERITIES = (ERREUR, AVERTISSEMENT, INFORMATION)


class VccapError(Exception):
    """Base of every error raised by vccap on purpose."""


@dataclass(eq=False)
class InputError(VccapError):
    """One problem found in a file a person typed.

    ``file`` is the path as the person knows it (relative to the workspace when
    possible), ``line`` is the line as seen in a spreadsheet or an editor (the header
    is line 1), ``column`` is the column header as written in the file, ``value`` is the
    offending value as typed, ``expected`` says in French what was expected (for a warning
    or an information: what was done) and ``code`` is a stable machine-readable kind of
    problem. ``severity`` is one of :data:`SEVERITIES` (default: an error). ``table`` is the
    table kind (``"couts"``) or ``"action"`` when known, ``rows`` the lines concerned when
    there are several (hidden rows, duplicates) and ``sheet`` the workbook sheet read.
    """

    file: str
    expected: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    code: str = "invalide"
    action: str | None = None
    severity: str = ERREUR
    table: str | None = None
    rows: tuple[int, ...] = ()
    sheet: str | None = None

    @property
    def is_error(self) -> bool:
        """True for an error (not a warning nor an information)."""
        return self.severity == ERREUR

    def __post_init__(self) -> None:
        super().__init__(self.file, self.line, self.column, self.value, self.expected)

    def __str__(self) -> str:  # messages.format_problem words it for people
        where = ":".join(str(p) for p in (self.file, self.line, self.column) if p is not None)
        return f"{where}: {self.value!r} — {self.expected}"


@dataclass(eq=False)
class InvalidWorkspace(VccapError):
    """The workspace has problems; ``problems`` lists every one of them."""

    root: Path
    problems: list[InputError] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.root, len(self.problems))


@dataclass(eq=False)
class WorkspaceNotFound(VccapError):
    """The folder given as a workspace does not exist or has no demarche.yml."""

    path: Path
    reason: str = "absent"  # "absent" | "pas_un_dossier" | "sans_demarche"

    def __post_init__(self) -> None:
        super().__init__(self.path, self.reason)


@dataclass(eq=False)
class UnknownAction(VccapError):
    """An action id that the workspace does not hold."""

    action_id: str
    known: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.action_id)


@dataclass(eq=False)
class UnknownType(VccapError):
    """An action type id that the catalogue does not hold."""

    type_id: str
    known: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.type_id)


@dataclass(eq=False)
class UnknownTerritory(VccapError):
    """A territory id that territoires.csv does not hold."""

    territoire_id: str
    known: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.territoire_id)


@dataclass(eq=False)
class UnknownPage(VccapError):
    """A page asked for (a notebook parameter) that the site does not have.

    ``kind`` is the page kind (``actions``, ``fiches``, ``annees``, ``territoires``),
    ``key`` the value given and ``valid`` the keys that have a page.
    """

    kind: str
    key: str
    valid: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.kind, self.key)


@dataclass(eq=False)
class UnknownParameter(VccapError):
    """A notebook was given a parameter it does not have (``-p action_idd …``)."""

    notebook: str
    names: list[str]
    valid: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.notebook, self.names)


@dataclass(eq=False)
class NotebookStopped(VccapError):
    """A page notebook stopped on a problem; ``message`` says it in French.

    ``cause`` names the vccap error behind it. In Jupyter and in papermill's output only the
    French message is shown (no traceback, no English exception name).
    """

    message: str
    cause: str = ""

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def _render_traceback_(self) -> list[str]:
        return [self.message]


@dataclass(eq=False)
class TemplateNotFound(VccapError):
    """A notebook template the build needs cannot be found (package or workspace)."""

    name: str
    searched: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.name)


@dataclass(eq=False)
class SecretKeyError(VccapError):
    """The pseudonymisation key cannot be created or read."""

    path: Path
    reason: str

    def __post_init__(self) -> None:
        super().__init__(self.path, self.reason)


@dataclass(eq=False)
class JobFailed(VccapError):
    """A notebook job of the build failed; the executed notebook keeps the trace."""

    job: str
    notebook: Path | None = None
    error_name: str | None = None
    error_value: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.job, self.error_name, self.error_value)


@dataclass(eq=False)
class BuildFailed(VccapError):
    """Some jobs of a build failed, or some of their documents; the others were built (and
    published)."""

    failed: list[JobFailed | DocumentFailed] = field(default_factory=list)
    built: int = 0
    log: Path | None = None  # the build log, outside the published folder

    def __post_init__(self) -> None:
        super().__init__(len(self.failed), self.built)


@dataclass(eq=False)
class DisclosureFailed(VccapError):
    """Published numbers give back small hidden cells and hiding more could not prevent it.

    ``findings``: (page, figure key, lowest, highest value the cell can take).
    """

    findings: list[tuple[str, str, float, float]] = field(default_factory=list)
    threshold: int = 3

    def __post_init__(self) -> None:
        super().__init__(len(self.findings))


@dataclass
class AuditHit:
    """Personal data found in a published file."""

    file: str
    line: int
    kind: str  # "courriel" | "telephone" | "nom" | "prenom" | "motif_courriel" | "motif_telephone"
    excerpt: str


@dataclass(eq=False)
class AuditFailed(VccapError):
    """The audit found personal data in published outputs (``published`` False: in a site
    being built, which was therefore not published)."""

    hits: list[AuditHit] = field(default_factory=list)
    published: bool = True

    def __post_init__(self) -> None:
        super().__init__(len(self.hits))


@dataclass(eq=False)
class OpenDataMismatch(VccapError):
    """Open-data files (CSV of the pages' tables, data package) that say what their pages do
    not. ``findings``: (file under the site, what is wrong, in French)."""

    findings: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(len(self.findings))


@dataclass(eq=False)
class PackageUnreadable(VccapError):
    """A regional data package that ``vccap federer`` cannot use.

    ``source``: what was given (a site folder or a ``datapackage.json``); ``reason``:
    ``introuvable`` (no package there), ``illisible`` (not JSON, or a table not CSV),
    ``invalide`` (frictionless finds errors; ``detail``: the first one), ``version`` (another
    major version of the format; ``detail``: it), ``region_double`` (two packages of one
    region; ``detail``: its identifier).
    """

    source: str
    reason: str
    detail: str = ""

    def __post_init__(self) -> None:
        super().__init__(self.source, self.reason, self.detail)


@dataclass(eq=False)
class FederationAuditFailed(VccapError):
    """A national figure is not the sum of published regional figures, or counts a figure a
    region did not publish. ``findings``: (page or figure, what is wrong, in French)."""

    findings: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(len(self.findings))


@dataclass(eq=False)
class UnknownFormat(VccapError):
    """``--formats`` names a format vccap does not write; ``valid`` are those it writes."""

    names: list[str]
    valid: list[str]

    def __post_init__(self) -> None:
        super().__init__(self.names, self.valid)


@dataclass(eq=False)
class ChromiumNotFound(VccapError):
    """PDF files were asked for and no Chromium was found.

    ``given``: the path given with ``--chromium`` (None when PATH was searched);
    ``searched``: the program names looked for on PATH.
    """

    given: str | None = None
    searched: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.given, self.searched)


@dataclass(eq=False)
class DocumentFailed(VccapError):
    """A page's Word or PDF document could not be written (the page itself was).

    ``page``: the page id (``actions/<id>``); ``format``: ``"docx"`` or ``"pdf"``;
    ``detail``: the converter's own words (first line).
    """

    page: str
    format: str
    detail: str = ""

    def __post_init__(self) -> None:
        super().__init__(self.page, self.format, self.detail)


@dataclass(eq=False)
class QuartoFailed(VccapError):
    """``quarto render`` ran and failed; ``returncode`` and the last lines it printed."""

    project: Path
    returncode: int
    output: str = ""

    def __post_init__(self) -> None:
        super().__init__(self.project, self.returncode)


@dataclass(eq=False)
class ClusterError(VccapError):
    """``vccap build --dask ADDRESS``: the cluster cannot build this workspace's pages.

    ``reason``: ``"absent"`` (the distributed package is not installed), ``"injoignable"``
    (no scheduler answers at ``address``; ``detail``: what the connection said),
    ``"sans_travailleur"`` (the scheduler has no worker), ``"espace_invisible"`` (no worker
    sees the workspace at ``path``), ``"autre_version"`` (``workers`` run another vccap).
    """

    address: str
    reason: str
    workers: list[str] = field(default_factory=list)
    path: Path | None = None
    detail: str = ""

    def __post_init__(self) -> None:
        super().__init__(self.address, self.reason)
