"""Build a workspace's site: scan, plan, skip what is up to date, run notebooks, publish.

Steps of :func:`build` (each a function below):

1. **scan**: read and validate every raw table whose bytes changed since the last build
   (:class:`ScanCache`, kept in ``OUT/.vccap/``); unchanged files reuse their recorded result.
2. **plan**: one job per page (action reports, method sheets, annual reviews, territory pages),
   each with the hash of everything that determines its output (template, parameters, files it
   reads, the kit's own code and version).
3. **run**: jobs whose hash changed run with papermill in worker processes, each worker
   keeping one warm kernel that is reset between jobs (:mod:`vccap.kernels`); a failing job
   keeps its executed notebook (papermill's error banner) and the others go on.
4. **publish**: executed notebooks become pages (in-process nbconvert, one exporter per
   worker); the index is written from the jobs' summaries.
5. **audit**: published files are scanned for personal data (keyed hashes of the raw values).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import vccap
from vccap import fmt, privacy, publish
from vccap.errors import AuditFailed, BuildFailed, InputError, InvalidWorkspace, JobFailed
from vccap.messages import format_problem
from vccap.workspace import STATUTS, Workspace, load_workspace

PACKAGE_DIR = Path(vccap.__file__).resolve().parent
STATE_DIR = ".vccap"
KERNEL_NAME = "python3"
SUMMARY_MIME = "application/vnd.vccap.summary+json"
PEOPLE_TABLES = ("participants", "contacts", "suivi")
#: What a territory page reads of the actions that name it (see vccap.territory).
TERRITORY_TABLES = (*PEOPLE_TABLES, "evenements")
WORKSPACE_FILES = ("demarche.yml", "territoires.csv", "structures.csv", "types_action.yml")


@dataclass(frozen=True)
class PageKind:
    """A kind of page: its folder in the site, its notebook template and its parameter."""

    folder: str
    template: str
    parameter: str
    label: str


PAGE_KINDS = {
    "actions": PageKind("actions", "action_report.ipynb", "action_id", "Bilans d'action"),
    "fiches": PageKind("fiches", "method_sheet.ipynb", "type_action", "Fiches méthode"),
    "annees": PageKind("annees", "annual_review.ipynb", "annee", "Bilans annuels"),
    "territoires": PageKind("territoires", "territory_profile.ipynb", "territoire", "Territoires"),
}


def notebooks_dir() -> Path:
    """Where the notebook templates live (``notebooks/`` of the project)."""
    env = os.environ.get("VCCAP_NOTEBOOKS")
    if env:
        return Path(env)
    return PACKAGE_DIR.parents[1] / "notebooks"


# --------------------------------------------------------------------------- jobs and results


@dataclass
class Job:
    """One page to build."""

    id: str  # "actions/<action-id>": the page's path without suffix
    kind: str
    template: str  # absolute path of the notebook template
    parameters: dict[str, Any]
    cwd: str
    title: str
    breadcrumb: list[tuple[str, str | None]]
    fictitious: bool
    digest: str = ""

    @property
    def page(self) -> str:
        return self.id + ".html"

    @property
    def notebook(self) -> str:
        return self.id + ".ipynb"

    @property
    def root(self) -> str:
        return "../" * self.id.count("/")


@dataclass
class JobResult:
    job_id: str
    ok: bool
    seconds: float
    cached: bool = False
    error_name: str | None = None
    error_value: str | None = None
    summary: dict[str, Any] | None = None


@dataclass
class BuildReport:
    out: Path
    results: list[JobResult] = field(default_factory=list)
    invalid_actions: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0
    audited: bool = False

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if not r.ok]

    @property
    def built(self) -> list[JobResult]:
        return [r for r in self.results if r.ok and not r.cached]

    @property
    def cached(self) -> list[JobResult]:
        return [r for r in self.results if r.ok and r.cached]


Reporter = Callable[[str, dict[str, Any]], None]


def _silent(event: str, data: dict[str, Any]) -> None:
    return None


# --------------------------------------------------------------------------- state between builds


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def kit_digest() -> str:
    """Hash of the kit's own code, catalogue, fragments and templates, and its version."""
    digest = hashlib.sha256(vccap.__version__.encode())
    suffixes = {".py", ".yml", ".j2", ".json", ".css", ".js", ".md"}
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in suffixes and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def scan_digest() -> str:
    """Hash of the code and schemas that decide how a raw table is read and checked."""
    digest = hashlib.sha256(vccap.__version__.encode())
    names = ["tables.py", "normalize.py", "schemas.py", "privacy.py", "yamlio.py"]
    paths = [PACKAGE_DIR / n for n in names] + sorted((PACKAGE_DIR / "schemas").glob("*.json"))
    paths += sorted((PACKAGE_DIR / "reading").glob("*.py"))
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class BuildState:
    """What the last build of OUT recorded: file scans, job digests and summaries, audit.

    Kept in ``OUT/.vccap/etat.json``. It holds no personal data: raw files are known by their
    hash, problems by their French message, and personal values only as keyed hashes (see
    :class:`vccap.privacy.HashedValues`), useless without the workspace's secret key.
    """

    VERSION = 2

    def __init__(self, out: Path) -> None:
        self.path = out / STATE_DIR / "etat.json"
        self.files: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, str] = {}
        self.summaries: dict[str, Any] = {}
        self.audit: Any = {}

    @classmethod
    def load(cls, out: Path) -> BuildState:
        state = cls(out)
        try:
            data = json.loads(state.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return state
        if not isinstance(data, dict) or data.get("version") != cls.VERSION:
            return state
        state.files = data.get("fichiers", {})
        state.jobs = data.get("pages", {})
        state.summaries = data.get("resumes", {})
        state.audit = data.get("audit", {})
        return state

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "version": self.VERSION,
            "fichiers": self.files,
            "pages": self.jobs,
            "resumes": self.summaries,
            "audit": self.audit,
        }
        publish.write_text_atomic(
            self.path, json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        )


# --------------------------------------------------------------------------- 1. scan


@dataclass
class FileScan:
    sha: str
    problems: list[dict[str, Any]]
    rows: int
    personal: dict[str, list[str]]
    territories: list[str] = field(default_factory=list)  # territory ids the table mentions
    data: str = ""  # hash of the table as read (an Excel re-save or a blank row changes nothing)

    @property
    def content(self) -> str:
        return self.data or self.sha


def _data_digest(df) -> str:
    """Hash of a table's normalised content (the line numbers left out)."""
    table = df.drop(columns=[c for c in df.columns if c == "_ligne"])
    return _sha256_bytes(table.to_csv(index=False).encode("utf-8"))


def _territories_in(df) -> list[str]:
    found: set[str] = set()
    for column in ("territoire", "territoire_vise"):
        if column in df.columns:
            found.update(str(v) for v in df[column].dropna().unique())
    return sorted(found)


def _from_record(sha: str, record: dict[str, Any]) -> FileScan:
    return FileScan(
        sha,
        record["problemes"],
        record["lignes"],
        record["personnel"],
        record.get("territoires", []),
        record.get("donnees", ""),
    )


def scan(
    ws: Workspace, state: BuildState, reporter: Reporter = _silent, *, context: str = ""
) -> dict[str, FileScan]:
    """Validate the raw tables, re-reading only those whose bytes changed.

    ``context`` is the hash of what else decides a file's problems (the kit's schemas, the
    territories and structures it refers to): when it changes, every file is read again.
    Problems are added to ``ws.problems``; returns one :class:`FileScan` per raw file
    (key: path relative to the workspace).
    """
    from vccap.tables import read_table

    key = ws.key
    scans: dict[str, FileScan] = {}
    seen: set[str] = set()
    for action in ws.actions.values():
        for kind, path in sorted(action.files.items()):
            rel = path.relative_to(ws.root).as_posix()
            seen.add(rel)
            stat = path.stat()
            record = state.files.get(rel)
            options = ws.read_options(action.id)
            file_context = context + options.digest()
            if record and record.get("contexte") != file_context:
                record = None
            if (
                record
                and record.get("taille") == stat.st_size
                and record.get("mtime") == stat.st_mtime_ns
                and record.get("type") == kind
            ):
                scans[rel] = _from_record(record["sha"], record)
            else:
                data = path.read_bytes()
                sha = _sha256_bytes(data)
                if record and record.get("sha") == sha and record.get("type") == kind:
                    scans[rel] = _from_record(sha, record)
                else:
                    raw = read_table(
                        path,
                        kind,
                        display=ws.display(path),
                        references=ws.references,
                        action=action.id,
                        options=options,
                    )
                    values = privacy.PersonalValues.empty()
                    values.update(raw.df)
                    scans[rel] = FileScan(
                        sha,
                        [asdict(p) for p in raw.problems],
                        len(raw.df),
                        privacy.HashedValues.of(values, key).as_dict(),
                        _territories_in(raw.df),
                        _data_digest(raw.df),
                    )
                    reporter("scanned", {"file": rel})
            state.files[rel] = {
                "contexte": file_context,
                "taille": stat.st_size,
                "mtime": stat.st_mtime_ns,
                "type": kind,
                "sha": scans[rel].sha,
                "problemes": scans[rel].problems,
                "lignes": scans[rel].rows,
                "personnel": scans[rel].personal,
                "territoires": scans[rel].territories,
                "donnees": scans[rel].data,
            }
            for problem in scans[rel].problems:
                ws.problems.append(InputError(**{**problem, "action": action.id}))
    for rel in list(state.files):
        if rel not in seen:
            del state.files[rel]
    return scans


def hashed_personal_values(ws: Workspace, scans: dict[str, FileScan]) -> privacy.HashedValues:
    merged = privacy.HashedValues.empty(ws.key)
    for item in scans.values():
        merged.merge(item.personal)
    return merged


# --------------------------------------------------------------------------- 2. plan


class _ActionDigests:
    """Hash of each action's files, computed once per plan (pages share actions)."""

    def __init__(self, ws: Workspace, scans: dict[str, FileScan]) -> None:
        self.ws = ws
        self.scans = scans
        self.memo: dict[tuple[str, frozenset[str] | None], str] = {}

    def of(self, action_id: str, kinds: frozenset[str] | None) -> str:
        key = (action_id, kinds)
        if key not in self.memo:
            self.memo[key] = self._compute(action_id, kinds)
        return self.memo[key]

    def _compute(self, action_id: str, kinds: frozenset[str] | None) -> str:
        ws, scans = self.ws, self.scans
        action = ws.actions[action_id]
        valid = not ws.problems_of(action_id)
        digest = hashlib.sha256(action_id.encode() + (b"\0ok\0" if valid else b"\0ko\0"))
        if action.folder is None:
            return digest.hexdigest()
        table_paths = {p: k for k, p in action.files.items()}
        for path in sorted(action.folder.iterdir()):
            if not path.is_file() or path.name.startswith((".", "~$")):
                continue
            if kinds is not None and path.name != "action.yml":
                if table_paths.get(path) not in kinds:
                    continue
            rel = path.relative_to(ws.root).as_posix()
            digest.update(rel.encode() + b"\0")
            if rel in scans:
                digest.update(scans[rel].content.encode())
            else:
                digest.update(_sha256_bytes(path.read_bytes()).encode())
        return digest.hexdigest()

    def files(self, action_ids: Iterable[str], tables: Iterable[str] | None = None) -> str:
        """Hash of the action folders' files (tables by their content, others by bytes).

        ``tables`` limits the raw tables taken into account to those kinds (action.yml
        always counts). Whether each action is valid counts too: pages skip invalid actions.
        """
        kinds = frozenset(tables) if tables is not None else None
        digest = hashlib.sha256()
        for action_id in sorted(set(action_ids)):
            digest.update(self.of(action_id, kinds).encode())
        return digest.hexdigest()


def plan(
    ws: Workspace,
    scans: dict[str, FileScan] | None = None,
    *,
    kit: str | None = None,
    personal: str = "",
) -> list[Job]:
    """Every page of the site, with the hash of everything that determines it."""
    scans = scans or {}
    kit = kit or kit_digest()
    templates = notebooks_dir()
    common = hashlib.sha256(kit.encode())
    for name in WORKSPACE_FILES:
        path = ws.root / name
        if path.exists():
            common.update(name.encode() + b"\0" + _sha256_bytes(path.read_bytes()).encode())
    common.update(personal.encode())
    realised = [
        a for a in ws.actions.values() if a.statut == "realisee" and not ws.problems_of(a.id)
    ]
    jobs: list[Job] = []

    # Journeys follow people across every action: pages showing them (annual reviews,
    # territory pages) read the people tables of all actions, whatever their year.
    people = hashlib.sha256()
    for action in ws.actions.values():
        for kind in PEOPLE_TABLES:
            path = action.files.get(kind)
            if path is not None:
                item = scans.get(path.relative_to(ws.root).as_posix())
                people.update(path.name.encode() + (item.content if item else "").encode())
    people_digest = people.hexdigest()
    digests = _ActionDigests(ws, scans)

    def add(
        kind: str,
        key: str,
        title: str,
        breadcrumb,
        fictitious: bool,
        related,
        extra: str = "",
        tables: Iterable[str] | None = None,
    ) -> None:
        spec = PAGE_KINDS[kind]
        template = templates / spec.template
        if not template.exists():
            return
        params = {"workspace": ws.root.name, spec.parameter: key}
        digest = common.copy()
        digest.update(_sha256_bytes(template.read_bytes()).encode())
        digest.update(json.dumps(params, sort_keys=True).encode())
        digest.update(digests.files(related, tables).encode() + extra.encode())
        jobs.append(
            Job(
                id=f"{spec.folder}/{key}",
                kind=kind,
                template=str(template),
                parameters=params,
                cwd=str(ws.root.parent),
                title=title,
                breadcrumb=breadcrumb,
                fictitious=fictitious,
                digest=digest.hexdigest(),
            )
        )

    def type_label(type_id: str) -> str:
        return ws.types[type_id].libelle if type_id in ws.types else type_id

    for action in realised:
        earlier = [
            a.id
            for a in realised
            if a.type == action.type and (a.date_debut or a.id) <= (action.date_debut or a.id)
        ]
        add(
            "actions",
            action.id,
            action.titre,
            [
                (str(action.annee), f"index.html#annee-{action.annee}"),
                (type_label(action.type), None),
                (action.titre, None),
            ],
            action.fictive,
            earlier,
        )
    for type_id in sorted({a.type for a in realised}):
        editions = [a for a in realised if a.type == type_id]
        add(
            "fiches",
            type_id,
            f"Fiche méthode : {type_label(type_id)}",
            [("Fiches méthode", "index.html#fiches"), (type_label(type_id), None)],
            any(a.fictive for a in editions),
            [a.id for a in editions],
        )
    for year in ws.annees:
        related = [a.id for a in ws.actions.values() if a.annee and a.annee <= year]
        add(
            "annees",
            str(year),
            f"Bilan de l'année {year}",
            [(str(year), f"index.html#annee-{year}"), (f"Bilan de l'année {year}", None)],
            any(ws.actions[a].fictive for a in related),
            related,
            extra=people_digest,
        )
    mentions: dict[str, set[str]] = {}
    for action in ws.actions.values():
        for territory_id in action.territoires:
            mentions.setdefault(territory_id, set()).add(action.id)
        for path in action.files.values():
            item = scans.get(path.relative_to(ws.root).as_posix())
            for territory_id in item.territories if item else []:
                mentions.setdefault(territory_id, set()).add(action.id)
    for territory in ws.territoires.values():
        # A territory's page reads the actions that name it (in action.yml or in a table):
        # their people and events tables, not their costs, answers or debriefs.
        related = mentions.get(territory.id, set())
        add(
            "territoires",
            territory.id,
            territory.nom,
            [("Territoires", "index.html#territoires"), (territory.nom, None)],
            any(ws.actions[a].fictive for a in related),
            related,
            extra=people_digest,
            tables=TERRITORY_TABLES,
        )
    return jobs


# --------------------------------------------------------------------------- 3. run


_RENDERER: Any = None


def _renderer(site_title: str):
    """This process's page renderer (one reused nbconvert exporter)."""
    global _RENDERER
    if _RENDERER is None or _RENDERER.site_title != site_title:
        from vccap.pages import PageRenderer

        _RENDERER = PageRenderer(site_title=site_title)
    return _RENDERER


def extract_summary(nb) -> dict[str, Any] | None:
    """The machine-readable summary a template emits in its ``vccap-summary`` cell."""
    for cell in nb.cells:
        if "vccap-summary" not in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if SUMMARY_MIME in data:
                return dict(data[SUMMARY_MIME])
    return None


def run_job(job: Job, out: str, site_title: str, warm: bool = True) -> JobResult:
    """Execute one notebook with papermill, then write its page (runs in a worker)."""
    import papermill as pm

    from vccap import kernels

    start = time.perf_counter()
    out_dir = Path(out)
    notebook_path = out_dir / job.notebook
    notebook_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        nb = kernels.execute(job.template, notebook_path, job.parameters, cwd=job.cwd, warm=warm)
    except pm.PapermillExecutionError as exc:
        return JobResult(
            job.id,
            False,
            time.perf_counter() - start,
            error_name=exc.ename,
            error_value=_short(exc.evalue),
        )
    except Exception as exc:  # noqa: BLE001 - a job must never bring the build down
        return JobResult(
            job.id,
            False,
            time.perf_counter() - start,
            error_name=type(exc).__name__,
            error_value=_short(str(exc)),
        )
    try:
        html = _renderer(site_title).render_notebook(
            nb, title=job.title, root=job.root, breadcrumb=job.breadcrumb, fictitious=job.fictitious
        )
        publish.write_text_atomic(out_dir / job.page, html)
    except Exception as exc:  # noqa: BLE001
        return JobResult(
            job.id,
            False,
            time.perf_counter() - start,
            error_name=type(exc).__name__,
            error_value=_short(str(exc)),
        )
    return JobResult(job.id, True, time.perf_counter() - start, summary=extract_summary(nb))


def _short(text: str | None, limit: int = 300) -> str:
    lines = (text or "").strip().splitlines()
    first = lines[0] if lines else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def _worker_init() -> None:
    """Each worker process starts its warm kernel lazily; make sure it stops with the worker."""
    from multiprocessing import util

    from vccap import kernels

    util.Finalize(None, kernels.shutdown_all, exitpriority=10)


def _mp_context():
    methods = multiprocessing.get_all_start_methods()
    # fork is cheap (the parent has already imported pandas, papermill, nbconvert) and the
    # parent holds no thread or kernel at this point; spawn elsewhere.
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def run_jobs(
    todo: list[Job],
    out: Path,
    site_title: str,
    workers: int,
    on_result: Callable[[Job, JobResult], None],
) -> None:
    """Run jobs, ``workers`` at a time, calling ``on_result`` in completion order."""
    if workers <= 1:
        from vccap import kernels

        try:
            for job in todo:
                on_result(job, run_job(job, str(out), site_title))
        finally:
            kernels.shutdown_all()
        return
    # Import what every job needs once, here: forked workers inherit it (papermill's import
    # alone costs about a second).
    import papermill  # noqa: F401

    from vccap import kernels, pages  # noqa: F401

    with ProcessPoolExecutor(
        max_workers=workers, mp_context=_mp_context(), initializer=_worker_init
    ) as pool:
        futures = {pool.submit(run_job, job, str(out), site_title): job for job in todo}
        for future in as_completed(futures):
            job = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - a dead worker fails its job only
                result = JobResult(
                    job.id, False, 0.0, error_name=type(exc).__name__, error_value=_short(str(exc))
                )
            on_result(job, result)


# --------------------------------------------------------------------------- the build


def build(
    workspace: str | Path,
    out: str | Path,
    *,
    jobs: int | None = None,
    force: bool = False,
    audit: bool = True,
    reporter: Reporter = _silent,
) -> BuildReport:
    """Build the site of ``workspace`` into ``out``.

    Raises :class:`InvalidWorkspace` when the workspace itself (démarche, territories,
    structures) is invalid, :class:`BuildFailed` when some pages failed (the others are
    built) and :class:`AuditFailed` when personal data is found in the output.
    """
    started = time.perf_counter()
    ws = load_workspace(workspace)
    if ws.general_problems():
        raise InvalidWorkspace(ws.root, ws.general_problems())
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    state = BuildState(out) if force else BuildState.load(out)
    kit = kit_digest()
    context = hashlib.sha256(scan_digest().encode())
    for name in ("territoires.csv", "structures.csv"):
        if (ws.root / name).exists():
            context.update(_sha256_bytes((ws.root / name).read_bytes()).encode())
    scans = scan(ws, state, reporter, context=context.hexdigest())
    report = BuildReport(out)
    for action_id in ws.actions:
        problems = ws.problems_of(action_id)
        if problems:
            report.invalid_actions[action_id] = [format_problem(p) for p in problems]
            reporter(
                "invalid", {"action": action_id, "problems": report.invalid_actions[action_id]}
            )

    publish.copy_assets(out)
    hashed = hashed_personal_values(ws, scans)
    planned = plan(ws, scans, kit=kit, personal=hashed.digest())
    planned_ids = {j.id for j in planned}
    todo: list[Job] = []
    for job in planned:
        if state.jobs.get(job.id) == job.digest and (out / job.page).exists():
            report.results.append(
                JobResult(job.id, True, 0.0, cached=True, summary=state.summaries.get(job.id))
            )
        else:
            todo.append(job)
    _remove_stale_pages(out, state, planned_ids)
    reporter("plan", {"total": len(planned), "todo": len(todo)})

    # Each worker starts one kernel: for one or two pages, one warm kernel is cheaper.
    workers = max(1, min(jobs or default_jobs(), len(todo) if len(todo) > 2 else 1))
    done = 0

    def on_result(job: Job, result: JobResult) -> None:
        nonlocal done
        done += 1
        report.results.append(result)
        if result.ok:
            state.jobs[job.id] = job.digest
            state.summaries[job.id] = result.summary
        else:
            state.jobs.pop(job.id, None)
            state.summaries.pop(job.id, None)
            (out / job.page).unlink(missing_ok=True)
        reporter(
            "done",
            {
                "job": job.id,
                "ok": result.ok,
                "seconds": result.seconds,
                "done": done,
                "total": len(todo),
                "error": result.error_value,
                "error_name": result.error_name,
            },
        )

    try:
        if todo:
            run_jobs(todo, out, ws.demarche.nom, workers, on_result)
        write_index(ws, out, report, state)
    finally:
        state.save()
    report.results.sort(key=lambda r: r.job_id)

    if audit:
        report.audited = _audit(out, hashed, state)
    report.seconds = time.perf_counter() - started
    if report.failed or report.invalid_actions:
        failures = [
            JobFailed(r.job_id, out / (r.job_id + ".ipynb"), r.error_name, r.error_value)
            for r in report.failed
        ]
        failures += [
            JobFailed(
                f"actions/{a}",
                None,
                "DonneesInvalides",
                f"{len(p)} problème(s) dans les fichiers de l'action",
            )
            for a, p in report.invalid_actions.items()
        ]
        raise BuildFailed(failures, built=len(report.built) + len(report.cached))
    return report


def _audit(out: Path, hashed: privacy.HashedValues, state: BuildState) -> bool:
    """Audit the published files that changed since the last clean audit (all of them when
    the personal values changed). Returns True when some file was scanned."""
    personal = hashed.digest()
    previous = state.audit if isinstance(state.audit, dict) else {}
    clean: dict[str, str] = (
        dict(previous.get("fichiers", {})) if previous.get("personnel") == personal else {}
    )
    current: dict[str, str] = {}

    def skip(path: Path) -> bool:
        rel = path.relative_to(out).as_posix()
        digest = _sha256_bytes(path.read_bytes())
        current[rel] = digest
        return clean.get(rel) == digest

    hits = privacy.audit(out, hashed=hashed, skip=skip)
    scanned = {rel for rel, digest in current.items() if clean.get(rel) != digest}
    if hits:
        bad = {h.file.split("/", 1)[1] if "/" in h.file else h.file for h in hits}
        state.audit = {
            "personnel": personal,
            "fichiers": {k: v for k, v in current.items() if k not in bad},
        }
        state.save()
        raise AuditFailed(hits)
    state.audit = {"personnel": personal, "fichiers": current}
    state.save()
    return bool(scanned)


def _remove_stale_pages(out: Path, state: BuildState, planned: set[str]) -> None:
    """Pages of actions, types, years or territories that no longer exist are removed."""
    for job_id in list(state.jobs):
        if job_id not in planned:
            for suffix in (".html", ".ipynb"):
                (out / (job_id + suffix)).unlink(missing_ok=True)
            state.jobs.pop(job_id, None)
            state.summaries.pop(job_id, None)


# --------------------------------------------------------------------------- 4. index


def write_index(ws: Workspace, out: Path, report: BuildReport, state: BuildState) -> bool:
    """The front page, from the jobs' summaries (no table is read). True if it changed."""
    failed = {r.job_id: r for r in report.failed}
    built = {r.job_id for r in report.results if r.ok}
    summaries = state.summaries
    sections = []
    years = sorted({a.annee for a in ws.actions.values() if a.annee}, reverse=True)
    for year in years:
        groups = []
        actions = [a for a in ws.actions.values() if a.annee == year]
        for type_id in dict.fromkeys(a.type for a in actions):
            spec = ws.types.get(type_id)
            rows = []
            for a in (x for x in actions if x.type == type_id):
                job_id = f"actions/{a.id}"
                alerte = None
                if a.id in report.invalid_actions:
                    n = len(report.invalid_actions[a.id])
                    alerte = (
                        f"Bilan non construit : {n} problème{'s' if n > 1 else ''} dans les "
                        "données (lancer « vccap validate » pour le détail)."
                    )
                elif job_id in failed:
                    r = failed[job_id]
                    alerte = (
                        f"La construction du bilan a échoué ({r.error_name} : "
                        f"{r.error_value}). Le carnet exécuté est conservé dans "
                        f"{job_id}.ipynb."
                    )
                summary = summaries.get(job_id) or {}
                rows.append(
                    {
                        "titre": a.titre,
                        "lien": f"{job_id}.html" if job_id in built else None,
                        "type_libelle": spec.libelle if spec else type_id,
                        "dates": fmt.periode(a.date_debut, a.date_fin),
                        "lieu": a.lieu,
                        "statut_libelle": STATUTS.get(a.statut, a.statut),
                        "statut_classe": a.statut,
                        "chiffres": summary.get("chiffres_cles", []) if job_id in built else [],
                        "alerte": alerte,
                    }
                )
            groups.append({"titre": spec.libelle if spec else type_id, "lignes": rows})
        review = f"annees/{year}"
        sections.append(
            {
                "titre": str(year),
                "id": f"annee-{year}",
                "groupes": groups,
                "lien": f"{review}.html" if review in built else None,
                "lien_titre": f"Bilan de l'année {year} : toutes les actions, le réseau "
                "ville-campagne et les parcours",
            }
        )
    annexes = []
    sheets = sorted(j for j in built if j.startswith("fiches/"))
    if sheets:
        annexes.append(
            {
                "titre": "Fiches méthode",
                "id": "fiches",
                "intro": "Pour chaque type d'action : comment faire, ce que cela a donné, "
                "ce qu'il faut pour le refaire ailleurs.",
                "liens": [
                    {
                        "titre": ws.types[j.split("/", 1)[1]].libelle,
                        "lien": f"{j}.html",
                        "detail": (summaries.get(j) or {}).get("detail"),
                    }
                    for j in sheets
                    if j.split("/", 1)[1] in ws.types
                ],
            }
        )
    territories = [t for t in ws.territoires.values() if f"territoires/{t.id}" in built]
    if territories:
        annexes.append(
            {
                "titre": "Territoires",
                "id": "territoires",
                "intro": "Les actions de chaque territoire, les contacts reçus et leurs suites.",
                "liens": [
                    {
                        "titre": t.nom,
                        "lien": f"territoires/{t.id}.html",
                        "detail": (summaries.get(f"territoires/{t.id}") or {}).get("detail"),
                    }
                    for t in sorted(territories, key=lambda t: t.nom)
                ],
            }
        )
    realised = len(ws.actions_by_status("realisee"))
    intro = (f"{ws.demarche.description} " if ws.demarche.description else "") + (
        f"Ce site rassemble les bilans des {realised} actions réalisées"
        f" ({fmt.nombre(len(ws.actions))} actions en tout, prévues et annulées comprises)."
        if ws.actions
        else "Aucune action n'a encore été enregistrée dans cet espace de travail."
    )
    text = publish.render_site_text(
        "index.html.j2",
        root="",
        site_title=ws.demarche.nom,
        title=ws.demarche.nom,
        intro=intro,
        sections=sections,
        annexes=annexes,
        apercu=_overview(ws, summaries, built),
        fictitious=any(a.fictive for a in ws.actions.values()),
    )
    path = out / "index.html"
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    publish.write_text_atomic(path, text)
    return True


def _overview(ws: Workspace, summaries: dict[str, Any], built: set[str]) -> dict | None:
    """Multi-year overview, from the annual reviews' summaries."""
    rows = []
    headers: list[str] = []
    for year in ws.annees:
        job_id = f"annees/{year}"
        summary = summaries.get(job_id) if job_id in built else None
        if not summary or not summary.get("apercu"):
            continue
        items = summary["apercu"]
        headers = headers or [item["libelle"] for item in items]
        rows.append(
            [{"texte": str(year), "lien": f"{job_id}.html"}] + [item["valeur"] for item in items]
        )
    if not rows:
        return None
    return {
        "titre": "Vue d'ensemble",
        "entetes": ["Année", *headers],
        "lignes": rows,
        "note": "Chiffres de chaque année ; liens : cumul depuis le début de la démarche ; "
        "installations : porteurs de projet rencontrés dans l'année et installés depuis, d'après "
        "le suivi. Les effectifs inférieurs au seuil de confidentialité ne sont pas publiés.",
    }


def report_as_dict(report: BuildReport) -> dict[str, Any]:
    return {
        "out": str(report.out),
        "results": [asdict(r) for r in report.results],
        "invalid_actions": report.invalid_actions,
        "seconds": report.seconds,
    }
