"""The build of a workspace's site: scan, plan, skip what is up to date, run, index, audit.

Steps (each a module of this package): :mod:`~vccap.build.scan` reads the raw tables whose
bytes changed; :mod:`~vccap.build.plan` makes one job per page of every page kind, with the
hash of everything that determines it; :mod:`~vccap.build.run` executes the jobs whose hash
changed; :mod:`vccap.site.index` writes the front page from the pages' summaries;
:mod:`~vccap.build.audit` scans what was published for personal data.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from vccap import keys, overrides
from vccap.build.audit import audit_site
from vccap.build.disclosure import control, with_masks
from vccap.build.plan import Job, plan
from vccap.build.run import JobResult, Output, default_jobs, run_jobs
from vccap.build.scan import hashed_personal_values, scan
from vccap.build.stage import Staging
from vccap.build.state import (
    FAILED_NOTEBOOKS_DIR,
    LOG_FILE,
    BuildState,
    kit_digest,
    scan_digest,
    sha256_bytes,
    state_dir,
    states_exist,
)
from vccap.disclosure.masks import read_masks
from vccap.errors import (
    BuildFailed,
    DocumentFailed,
    InvalidWorkspace,
    JobFailed,
    OpenDataMismatch,
)
from vccap.formats.documents import (
    DOCUMENT_FORMATS,
    document_path,
    documents_of,
    parse_formats,
)
from vccap.loading import load_workspace
from vccap.messages import format_problem
from vccap.opendata.check import check_open_data
from vccap.opendata.package import write_package
from vccap.opendata.pagetables import remove_page_tables, tables_folder
from vccap.personal import Finder
from vccap.site import publish
from vccap.site.accessibility import write_accessibility_statement
from vccap.site.index import SiteStatus, write_index

Reporter = Callable[[str, dict[str, Any]], None]


def _silent(event: str, data: dict[str, Any]) -> None:
    return None


@dataclass
class BuildReport:
    out: Path
    results: list[JobResult] = field(default_factory=list)
    invalid_actions: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0
    audited: bool = False
    log: Path | None = None  # the build log (outside the published folder)
    disclosure: dict[str, Any] = field(default_factory=dict)  # the statistical audit
    formats: tuple[str, ...] = ("html",)

    @property
    def documents_failed(self) -> list[DocumentFailed]:
        """Documents (docx, pdf) that could not be written; their pages were."""
        return [
            DocumentFailed(r.job_id, fmt, detail)
            for r in self.results
            for fmt, detail in sorted((r.documents_failed or {}).items())
        ]

    @property
    def documents(self) -> list[str]:
        """Documents written by this build (``actions/<id>.docx``…)."""
        return [f"{r.job_id}.{fmt}" for r in self.results for fmt in r.documents]

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if not r.ok]

    @property
    def built(self) -> list[JobResult]:
        return [r for r in self.results if r.ok and not r.cached and r.executed]

    @property
    def cached(self) -> list[JobResult]:
        return [r for r in self.results if r.ok and (r.cached or not r.executed)]


def build(
    workspace: str | Path,
    out: str | Path,
    *,
    jobs: int | None = None,
    force: bool = False,
    audit: bool = True,
    reporter: Reporter = _silent,
    notebooks: str | Path | None = None,
    new_key: bool = False,
    formats: str | tuple[str, ...] | None = None,
    chromium: str | None = None,
    dask: str | None = None,
) -> BuildReport:
    """Build the site of ``workspace`` into ``out``.

    The site is built in a staging folder, audited, then swapped in
    (:mod:`~vccap.build.stage`): a failed audit or an interrupted build leaves the previous
    site whole. The state, the log (``journal.txt``) and the executed notebooks of failed
    pages live in the workspace (:func:`~vccap.build.state.state_dir`); ``notebooks`` keeps
    every executed notebook in that folder instead. ``new_key`` accepts a new pseudonymisation
    key when the workspace's has disappeared. ``formats``: ``"html"`` (default), plus
    ``"docx"`` and/or ``"pdf"`` (``"html,docx"`` or a tuple): documents written beside each
    action report, method sheet and yearly review, rebuilt when their page is; ``chromium``:
    the program that prints the PDF files (default: looked for on PATH). ``dask``: the
    address of a Dask scheduler (``tcp://host:8786``) whose workers run the page jobs
    (:mod:`~vccap.build.cluster`: they must see the workspace at the same path); the site is
    the same as a local build's.

    Raises :class:`InvalidWorkspace` when the workspace itself (démarche, territories,
    structures) is invalid, :class:`SecretKeyError` when its key disappeared since the last
    build, :class:`BuildFailed` when some pages failed (the others are published) and
    :class:`AuditFailed` when personal data is found (nothing is published),
    :class:`ClusterError` when the Dask cluster cannot build the pages (nothing is built).
    """
    started = time.perf_counter()
    wanted = parse_formats(formats)
    if "pdf" in wanted:
        from vccap.formats.pdf import find_chromium

        chromium = find_chromium(chromium)
    output = Output(formats=wanted, chromium=chromium, dask=dask)
    ws = load_workspace(workspace)
    if ws.general_problems():
        raise InvalidWorkspace(ws.root, ws.general_problems())
    out = Path(out).resolve()
    folder = state_dir(ws.root, out)
    key = keys.build_key(ws.root, known=states_exist(ws.root, out), new_key=new_key)
    ws.__dict__["key"] = key  # the workspace's cached key: the one checked here
    state = BuildState(folder) if force else BuildState.load(folder)
    if state.bind(keys.fingerprint(key)) and state.jobs:
        reporter("new_key", {})
    log = BuildLog(folder / LOG_FILE)
    staging = Staging(out)
    stage = staging.prepare()
    try:
        report = _build_in(ws, out, stage, state, log, reporter, jobs, audit, notebooks, output)
    except BaseException:
        staging.discard()
        _save_scans_only(state)
        raise
    staging.publish()
    state.save()
    report.seconds = time.perf_counter() - started
    log.write(f"Site publié dans {out.name} en {report.seconds:.1f} s.")
    if report.failed or report.invalid_actions or report.documents_failed:
        failures: list[JobFailed | DocumentFailed] = [
            JobFailed(
                r.job_id, _failed_notebook(folder, notebooks, r.job_id), r.error_name, r.error_value
            )
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
        failures += report.documents_failed
        raise BuildFailed(failures, built=len(report.built) + len(report.cached), log=log.path)
    return report


def timings_text(timings: dict[str, float]) -> str:
    """``noyau 0,00 s ; papermill 1,20 s ; …`` for the build log (parsed by the benchmark)."""
    return " ; ".join(f"{k} {v:.3f} s".replace(".", ",") for k, v in timings.items())


def _failed_notebook(folder: Path, notebooks: str | Path | None, job_id: str) -> Path | None:
    base = Path(notebooks) if notebooks is not None else folder / FAILED_NOTEBOOKS_DIR
    path = base / (job_id + ".ipynb")
    return path if path.exists() else None


def _save_scans_only(state: BuildState) -> None:
    """After a build that published nothing, keep what it learnt of the raw files (and the
    key it read them under), not its pages: the published site is still the previous one."""
    previous = BuildState.load(state.path.parent)
    if previous.key != state.key:
        previous.jobs, previous.summaries, previous.audit = {}, {}, {}
    previous.key = state.key
    previous.files = state.files
    previous.save()


def _build_in(
    ws,
    out: Path,
    stage: Path,
    state: BuildState,
    log: BuildLog,
    reporter: Reporter,
    jobs: int | None,
    audit: bool,
    notebooks: str | Path | None,
    output: Output,
) -> BuildReport:
    """The build itself, written into the staging folder ``stage``."""
    kit = kit_digest()
    context = hashlib.sha256(scan_digest().encode())
    for name in ("territoires.csv", "structures.csv"):
        if (ws.root / name).exists():
            context.update(sha256_bytes((ws.root / name).read_bytes()).encode())
    scans = scan(ws, state, reporter, context=context.hexdigest())
    report = BuildReport(out, formats=output.formats)
    report.log = log.path
    for action_id in ws.actions:
        problems = ws.problems_of(action_id)
        if problems:
            report.invalid_actions[action_id] = [format_problem(p) for p in problems]
            log.write(f"actions/{action_id} : données invalides, bilan non construit")
            log.lines(report.invalid_actions[action_id])
            reporter(
                "invalid", {"action": action_id, "problems": report.invalid_actions[action_id]}
            )

    publish.copy_assets(stage)
    hashed = hashed_personal_values(ws, scans)
    finder = Finder(hashed, ws.seuil, ws.place_words)
    ws.scrub_texts(finder)  # titles and places the build writes itself
    planned = plan(ws, scans, kit=kit, personal=hashed.digest())
    planned_ids = {j.id for j in planned}
    masks = read_masks(ws.root)
    base = {job.id: job.digest for job in planned}  # before masks
    in_force = masks  # the masks the pages being built see
    for job in planned:
        job.digest = with_masks(base[job.id], masks, state.summaries.get(job.id))
    own = [Path(j.template).name for j in planned if j.own_template]
    fragments = [p.name for p in overrides.fragment_files(ws.root)]
    if own or fragments:
        reporter(
            "overrides",
            {"notebooks": {n: own.count(n) for n in sorted(set(own))}, "fragments": fragments},
        )
    todo: list[Job] = []
    documents_only: set[str] = set()
    for job in planned:
        if state.jobs.get(job.id) == job.digest and (stage / job.page).exists():
            if _documents_missing(stage, state, job, output.formats):
                todo.append(job)
                documents_only.add(job.id)
                continue
            report.results.append(
                JobResult(job.id, True, 0.0, cached=True, summary=state.summaries.get(job.id))
            )
        else:
            _remove_documents(stage, state, job.id)  # they were made from an older page
            todo.append(job)
    _remove_stale_pages(stage, state, planned_ids)
    reporter(
        "plan",
        {
            "total": len(planned),
            "todo": len(todo) - len(documents_only),
            "documents": len(documents_only),
            "dask": output.dask,
        },
    )

    # Each worker starts one kernel: for one or two pages, one warm kernel is cheaper.
    workers = max(1, min(jobs or default_jobs(), len(todo) if len(todo) > 2 else 1))
    done = 0
    keep = notebooks is not None
    notebooks_dir = Path(notebooks).resolve() if keep else state.path.parent / FAILED_NOTEBOOKS_DIR
    if not keep and notebooks_dir.exists():
        shutil.rmtree(notebooks_dir, ignore_errors=True)  # those of the last build's failures

    def on_result(job: Job, result: JobResult) -> None:
        nonlocal done
        done += 1
        if not result.executed and result.summary is None:
            result.summary = state.summaries.get(job.id)
        report.results.append(result)
        if result.timings:
            log.write(f"{job.id} : durées " + timings_text(result.timings))
        if result.ok:
            if result.executed:  # its hash, from what it has just published
                job.digest = with_masks(base[job.id], in_force, result.summary)
            state.jobs[job.id] = job.digest
            state.summaries[job.id] = result.summary
            if result.documents:
                made = state.documents.setdefault(job.id, {})
                made.update({fmt: job.digest for fmt in result.documents})
        else:
            state.jobs.pop(job.id, None)
            state.summaries.pop(job.id, None)
            (stage / job.page).unlink(missing_ok=True)
            _remove_documents(stage, state, job.id)
            log.write(f"{job.id} : échec ({result.error_name} : {result.error_value})")
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
                "documents": list(result.documents),
                "documents_failed": result.documents_failed or {},
                "executed": result.executed,
            },
        )

    def rerun(again: list[Job]) -> None:
        """Publish again the pages whose figures the disclosure control has just hidden."""
        nonlocal todo, done, in_force
        in_force = read_masks(ws.root)
        for job in again:
            job.digest = with_masks(base[job.id], in_force, state.summaries.get(job.id))
        ids = {j.id for j in again}
        report.results[:] = [r for r in report.results if r.job_id not in ids]
        todo, done = again, 0
        wanted = max(1, min(jobs or default_jobs(), len(again)))
        _run(ws, again, stage, wanted, on_result, notebooks_dir, keep, output, frozenset())

    if todo:
        _run(ws, todo, stage, workers, on_result, notebooks_dir, keep, output,
             frozenset(documents_only))  # fmt: skip
    state.disclosure = control(
        ws,
        state.summaries,
        {j.id: j for j in planned},
        rerun,
        state.disclosure if isinstance(state.disclosure, dict) else None,
        reporter,
    )
    report.disclosure = state.disclosure
    built = {r.job_id for r in report.results if r.ok}
    write_index(
        ws,
        stage,
        SiteStatus(
            built=built,
            summaries=state.summaries,
            failed={r.job_id: (r.error_name, r.error_value) for r in report.failed},
            invalid=report.invalid_actions,
        ),
    )
    write_accessibility_statement(ws, stage, built)
    write_package(ws, stage, state.summaries, built)  # donnees/datapackage.json
    report.results.sort(key=lambda r: r.job_id)
    if audit:
        # the open data says no more than the pages (re-published pages: the others' files
        # and package rows come from unchanged pages and summaries)
        fresh = {r.job_id for r in report.results if r.ok and not r.cached}
        findings = check_open_data(
            stage,
            pages=fresh | {"index"},
            actions={j.split("/", 1)[1] for j in fresh if j.startswith("actions/")},
        )
        if findings:
            raise OpenDataMismatch(findings)
        report.audited = audit_site(stage, finder, state, name=out.name)
    return report


def _run(
    ws,
    todo: list[Job],
    stage: Path,
    workers: int,
    on_result: Callable[[Job, JobResult], None],
    notebooks: Path,
    keep: bool,
    output: Output,
    documents_only: frozenset[str],
) -> None:
    """Run the jobs in local worker processes, or on the Dask cluster ``output.dask``."""
    if output.dask:
        from vccap.build.cluster import run_jobs_dask

        run_jobs_dask(output.dask, ws.root, todo, stage, ws.demarche.nom, on_result, notebooks,
                      keep, output=output, documents_only=documents_only)  # fmt: skip
        return
    run_jobs(todo, stage, ws.demarche.nom, workers, on_result, notebooks, keep, output=output,
             documents_only=documents_only)  # fmt: skip


class BuildLog:
    """The build log (``journal.txt`` beside the state): what failed and why, in full."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        path.write_text(f"Construction du {stamp}\n", encoding="utf-8")

    def write(self, line: str) -> None:
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    def lines(self, lines: list[str]) -> None:
        for line in lines:
            self.write("    " + line)


def _documents_missing(out: Path, state: BuildState, job: Job, wanted: tuple[str, ...]) -> bool:
    """True when a page is up to date but some document asked for is absent or older."""
    made = state.documents.get(job.id, {})
    return any(
        made.get(fmt) != job.digest or not document_path(out, job.id, fmt).exists()
        for fmt in documents_of(job.kind, wanted)
    )


def _remove_documents(out: Path, state: BuildState, job_id: str) -> None:
    """A page's documents go with it: never a Word file that says less than its page."""
    for fmt in DOCUMENT_FORMATS:
        document_path(out, job_id, fmt).unlink(missing_ok=True)
    state.documents.pop(job_id, None)
    remove_page_tables(out, job_id)  # and its tables' CSV files


#: The folders of the site's pages (one per page kind) and what a page leaves in them.
PAGE_FOLDERS = ("actions", "fiches", "annees", "territoires")
PAGE_FILES = (".html", ".ipynb", ".docx", ".pdf")


def _remove_stale_pages(out: Path, state: BuildState, planned: set[str]) -> None:
    """Pages of actions, types, years or territories that no longer exist are removed, with
    their documents and CSV tables: those the build state knows, and any other page file in
    the kit's page folders (a site built before the state was lost, or another workspace's
    site in the same folder): a withdrawn action leaves nothing online."""
    for job_id in list(state.jobs):
        if job_id not in planned:
            for suffix in (".html", ".ipynb"):
                (out / (job_id + suffix)).unlink(missing_ok=True)
            _remove_documents(out, state, job_id)
            state.jobs.pop(job_id, None)
            state.summaries.pop(job_id, None)
    for folder in PAGE_FOLDERS:
        pages = out / folder
        if pages.is_dir():
            for path in pages.iterdir():
                page_id = f"{folder}/{path.stem}"
                if path.suffix in PAGE_FILES and path.is_file() and page_id not in planned:
                    path.unlink()
        tables = out / str(tables_folder(folder))
        if tables.is_dir():
            for path in tables.iterdir():
                if path.is_dir() and f"{folder}/{path.name}" not in planned:
                    shutil.rmtree(path)


def report_as_dict(report: BuildReport) -> dict[str, Any]:
    return {
        "out": str(report.out),
        "results": [asdict(r) for r in report.results],
        "invalid_actions": report.invalid_actions,
        "seconds": report.seconds,
    }
