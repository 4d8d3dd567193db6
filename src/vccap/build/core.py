"""The build of a workspace's site: scan, plan, skip what is up to date, run, index, audit.

Steps (each a module of this package): :mod:`~vccap.build.scan` reads the raw tables whose
bytes changed; :mod:`~vccap.build.plan` makes one job per page of every page kind, with the
hash of everything that determines it; :mod:`~vccap.build.run` executes the jobs whose hash
changed; :mod:`vccap.site.index` writes the front page from the pages' summaries;
:mod:`~vccap.build.audit` scans what was published for personal data.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from vccap import overrides
from vccap.build.audit import audit_site
from vccap.build.disclosure import control, with_masks
from vccap.build.plan import Job, plan
from vccap.build.run import JobResult, Output, default_jobs, run_jobs
from vccap.build.scan import hashed_personal_values, scan
from vccap.build.state import BuildState, kit_digest, scan_digest, sha256_bytes
from vccap.disclosure.masks import read_masks
from vccap.errors import BuildFailed, DocumentFailed, InvalidWorkspace, JobFailed
from vccap.formats.documents import (
    DOCUMENT_FORMATS,
    document_path,
    documents_of,
    parse_formats,
)
from vccap.loading import load_workspace
from vccap.messages import format_problem
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
    disclosure: dict[str, Any] = field(default_factory=dict)
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
    formats: str | tuple[str, ...] | None = None,
    chromium: str | None = None,
) -> BuildReport:
    """Build the site of ``workspace`` into ``out``.

    ``formats``: ``"html"`` (default), plus ``"docx"`` and/or ``"pdf"`` (``"html,docx"`` or a
    tuple): documents written beside each action report, method sheet and yearly review,
    rebuilt when their page is; ``chromium``: the program that prints the PDF files (default:
    looked for on PATH).

    Raises :class:`UnknownFormat` for a format vccap does not write, :class:`ChromiumNotFound`
    (before any work) when PDF files are asked for and no Chromium is found,
    :class:`InvalidWorkspace` when the workspace itself (démarche, territories, structures)
    is invalid, :class:`BuildFailed` when some pages or documents failed (the others are
    built) and :class:`AuditFailed` when personal data is found in the output.
    """
    started = time.perf_counter()
    wanted = parse_formats(formats)
    if "pdf" in wanted:
        from vccap.formats.pdf import find_chromium

        chromium = find_chromium(chromium)
    output = Output(formats=wanted, chromium=chromium)
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
            context.update(sha256_bytes((ws.root / name).read_bytes()).encode())
    scans = scan(ws, state, reporter, context=context.hexdigest())
    report = BuildReport(out, formats=wanted)
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
    own = [Path(j.template).name for j in planned if j.own_template]
    fragments = [p.name for p in overrides.fragment_files(ws.root)]
    if own or fragments:
        reporter(
            "overrides",
            {"notebooks": {n: own.count(n) for n in sorted(set(own))}, "fragments": fragments},
        )
    masks = read_masks(ws.root)
    for job in planned:
        job.digest = with_masks(job, masks, state.summaries.get(job.id))
    todo: list[Job] = []
    documents_only: set[str] = set()
    for job in planned:
        if state.jobs.get(job.id) == job.digest and (out / job.page).exists():
            if _documents_missing(out, state, job, wanted):
                todo.append(job)
                documents_only.add(job.id)
                continue
            report.results.append(
                JobResult(job.id, True, 0.0, cached=True, summary=state.summaries.get(job.id))
            )
        else:
            _remove_documents(out, state, job.id)  # they were made from an older page
            todo.append(job)
    _remove_stale_pages(out, state, planned_ids)
    reporter(
        "plan",
        {
            "total": len(planned),
            "todo": len(todo) - len(documents_only),
            "documents": len(documents_only),
        },
    )

    # Each worker starts one kernel: for one or two pages, one warm kernel is cheaper.
    workers = max(1, min(jobs or default_jobs(), len(todo) if len(todo) > 2 else 1))
    done = 0

    def on_result(job: Job, result: JobResult) -> None:
        nonlocal done
        done += 1
        if not result.executed and result.summary is None:
            result.summary = state.summaries.get(job.id)
        report.results.append(result)
        if result.ok:
            state.jobs[job.id] = job.digest
            state.summaries[job.id] = result.summary
            if result.documents:
                made = state.documents.setdefault(job.id, {})
                made.update({fmt: job.digest for fmt in result.documents})
        else:
            state.jobs.pop(job.id, None)
            state.summaries.pop(job.id, None)
            (out / job.page).unlink(missing_ok=True)
            _remove_documents(out, state, job.id)
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

    def rerun(jobs: list[Job]) -> None:
        nonlocal todo, done
        masks = read_masks(ws.root)
        for job in jobs:
            job.digest = with_masks(job, masks, state.summaries.get(job.id))
        report.results[:] = [r for r in report.results if r.job_id not in {j.id for j in jobs}]
        todo, done = jobs, 0
        run_jobs(
            jobs,
            out,
            ws.demarche.nom,
            max(1, min(jobs_wanted, len(jobs))),
            on_result,
            output=output,
        )

    jobs_wanted = jobs or default_jobs()
    try:
        if todo:
            run_jobs(
                todo,
                out,
                ws.demarche.nom,
                workers,
                on_result,
                output=output,
                documents_only=frozenset(documents_only),
            )
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
            out,
            SiteStatus(
                built=built,
                summaries=state.summaries,
                failed={r.job_id: (r.error_name, r.error_value) for r in report.failed},
                invalid=report.invalid_actions,
            ),
        )
        write_accessibility_statement(ws, out, built)
    finally:
        state.save()
    report.results.sort(key=lambda r: r.job_id)

    if audit:
        report.audited = audit_site(out, hashed, state)
    report.seconds = time.perf_counter() - started
    if report.failed or report.invalid_actions or report.documents_failed:
        failures: list[JobFailed | DocumentFailed] = [
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
        failures += report.documents_failed
        raise BuildFailed(failures, built=len(report.built) + len(report.cached))
    return report


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


def _remove_stale_pages(out: Path, state: BuildState, planned: set[str]) -> None:
    """Pages of actions, types, years or territories that no longer exist are removed."""
    for job_id in list(state.jobs):
        if job_id not in planned:
            for suffix in (".html", ".ipynb"):
                (out / (job_id + suffix)).unlink(missing_ok=True)
            _remove_documents(out, state, job_id)
            state.jobs.pop(job_id, None)
            state.summaries.pop(job_id, None)


def report_as_dict(report: BuildReport) -> dict[str, Any]:
    return {
        "out": str(report.out),
        "results": [asdict(r) for r in report.results],
        "invalid_actions": report.invalid_actions,
        "seconds": report.seconds,
    }
