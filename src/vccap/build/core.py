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
from vccap.build.run import JobResult, default_jobs, run_jobs
from vccap.build.scan import hashed_personal_values, scan
from vccap.build.state import BuildState, kit_digest, scan_digest, sha256_bytes
from vccap.disclosure.masks import read_masks
from vccap.errors import BuildFailed, InvalidWorkspace, JobFailed
from vccap.loading import load_workspace
from vccap.messages import format_problem
from vccap.site import publish
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
            context.update(sha256_bytes((ws.root / name).read_bytes()).encode())
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

    def rerun(jobs: list[Job]) -> None:
        nonlocal todo, done
        masks = read_masks(ws.root)
        for job in jobs:
            job.digest = with_masks(job, masks, state.summaries.get(job.id))
        report.results[:] = [r for r in report.results if r.job_id not in {j.id for j in jobs}]
        todo, done = jobs, 0
        run_jobs(jobs, out, ws.demarche.nom, max(1, min(jobs_wanted, len(jobs))), on_result)

    jobs_wanted = jobs or default_jobs()
    try:
        if todo:
            run_jobs(todo, out, ws.demarche.nom, workers, on_result)
        state.disclosure = control(
            ws,
            state.summaries,
            {j.id: j for j in planned},
            rerun,
            state.disclosure if isinstance(state.disclosure, dict) else None,
            reporter,
        )
        report.disclosure = state.disclosure
        write_index(
            ws,
            out,
            SiteStatus(
                built={r.job_id for r in report.results if r.ok},
                summaries=state.summaries,
                failed={r.job_id: (r.error_name, r.error_value) for r in report.failed},
                invalid=report.invalid_actions,
            ),
        )
    finally:
        state.save()
    report.results.sort(key=lambda r: r.job_id)

    if audit:
        report.audited = audit_site(out, hashed, state)
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


def _remove_stale_pages(out: Path, state: BuildState, planned: set[str]) -> None:
    """Pages of actions, types, years or territories that no longer exist are removed."""
    for job_id in list(state.jobs):
        if job_id not in planned:
            for suffix in (".html", ".ipynb"):
                (out / (job_id + suffix)).unlink(missing_ok=True)
            state.jobs.pop(job_id, None)
            state.summaries.pop(job_id, None)


def report_as_dict(report: BuildReport) -> dict[str, Any]:
    return {
        "out": str(report.out),
        "results": [asdict(r) for r in report.results],
        "invalid_actions": report.invalid_actions,
        "seconds": report.seconds,
    }
