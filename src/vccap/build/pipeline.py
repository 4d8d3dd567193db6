"""The steps of a build that has something to do, written into its staging folder.

Scan the raw tables (:mod:`~vccap.build.scan`), plan the pages (:mod:`~vccap.build.plan`),
run those whose hash changed (:mod:`~vccap.build.run`), the disclosure control
(:mod:`~vccap.build.disclosure`), the front page, the open data and the audit
(:mod:`~vccap.build.audit`). :func:`vccap.build.core.build` calls :func:`build_in` once it
knows something may have changed (:mod:`~vccap.build.fresh`): this module imports the page
machinery (pandas, scipy, nbconvert), the entry point does not.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vccap import overrides
from vccap.build.audit import audit_site
from vccap.build.disclosure import (
    BEFORE_PAGES_FROM,
    control,
    control_before_pages,
    with_masks,
)
from vccap.build.plan import Job, plan
from vccap.build.results import BuildLog, BuildReport, JobResult, Output, default_jobs, timings_text
from vccap.build.run import run_jobs
from vccap.build.scan import hashed_personal_values, scan
from vccap.build.state import (
    FAILED_NOTEBOOKS_DIR,
    BuildState,
    kit_digest,
    scan_digest,
    sha256_bytes,
)
from vccap.disclosure.masks import read_masks
from vccap.errors import OpenDataMismatch
from vccap.forking import give_back_memory
from vccap.formats.documents import DOCUMENT_FORMATS, document_path, documents_of
from vccap.messages import format_problem
from vccap.opendata.check import check_open_data
from vccap.opendata.package import write_package
from vccap.opendata.pagetables import remove_page_tables, tables_folder
from vccap.personal import Finder
from vccap.site import publish
from vccap.site.accessibility import write_accessibility_statement
from vccap.site.index import SiteStatus, write_index

Reporter = Callable[[str, dict[str, Any]], None]


def build_in(
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
    *,
    reads: Path | None = None,
) -> BuildReport:
    """The build itself, written into the staging folder ``stage``. ``reads``: the build's
    folder of tables as read (:func:`~vccap.build.state.shared_reads`), given to the kernels
    as the build's token."""
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
    # this build's token, for the kernels (kernels.execute): the path of its folder of reads
    snapshot = str(reads) if reads is not None else uuid.uuid4().hex
    for job in planned:
        job.snapshot = snapshot
    planned_ids = {j.id for j in planned}
    masks = read_masks(ws.root)
    base = {job.id: job.digest for job in planned}  # before masks
    in_force = masks  # the masks the pages being built see
    for job in planned:
        job.digest = with_masks(base[job.id], masks, state.summaries.get(job.id))
    own = [Path(j.template).name for j in planned if j.own_template]
    fragments = [p.name for p in overrides.fragment_files(ws.root)]
    if own or fragments:
        report.overrides = {
            "notebooks": {n: own.count(n) for n in sorted(set(own))},
            "fragments": fragments,
        }
        reporter("overrides", report.overrides)
    todo, documents_only = _todo(planned, stage, state, output)
    if len(todo) - len(documents_only) >= BEFORE_PAGES_FROM:
        # many pages to run: decide the masks first, so each page is published once
        decided = control_before_pages(
            ws, {j.id: j for j in planned}, {j.id for j in todo if j.id not in documents_only},
            state.summaries, reporter, processes=jobs or default_jobs(),
        )  # fmt: skip
        if decided is not None:
            state.disclosure = decided
        in_force = masks = read_masks(ws.root)
        for job in planned:  # pages whose figures a new mask hides are built again
            job.digest = with_masks(base[job.id], masks, state.summaries.get(job.id))
        todo, documents_only = _todo(planned, stage, state, output)
    # the kernels read the tables again (from the folder of reads): here, let them go
    # before forking the page workers
    ws.forget_tables()
    give_back_memory()
    running = {job.id for job in todo}
    for job in planned:
        if job.id not in running:
            report.results.append(
                JobResult(job.id, True, 0.0, cached=True, summary=state.summaries.get(job.id))
            )
        elif job.id not in documents_only:
            _remove_documents(stage, state, job.id)  # they were made from an older page
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
        processes=jobs or default_jobs(),
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
        report.audited = audit_site(
            stage, finder, state, name=out.name, jobs=jobs or default_jobs()
        )
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


def _todo(
    planned: list[Job], stage: Path, state: BuildState, output: Output
) -> tuple[list[Job], set[str]]:
    """The jobs to run (hash changed, or page missing), and among them the ids of those whose
    page is up to date but some document asked for is missing."""
    todo: list[Job] = []
    documents_only: set[str] = set()
    for job in planned:
        if state.jobs.get(job.id) == job.digest and (stage / job.page).exists():
            if _documents_missing(stage, state, job, output.formats):
                todo.append(job)
                documents_only.add(job.id)
        else:
            todo.append(job)
    return todo, documents_only


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
