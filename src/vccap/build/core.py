"""The build of a workspace's site: skip it when nothing changed, else scan, plan, run,
index, audit.

Steps (each a module of this package): :mod:`~vccap.build.fresh` tells from file stats
whether anything changed since the last complete build (if not, nothing else runs, and
nothing heavy is imported); :mod:`~vccap.build.scan` reads the raw tables whose bytes
changed; :mod:`~vccap.build.plan` makes one job per page of every page kind, with the hash of
everything that determines it; :mod:`~vccap.build.run` executes the jobs whose hash changed;
:mod:`vccap.site.index` writes the front page from the pages' summaries;
:mod:`~vccap.build.audit` scans what was published for personal data
(:mod:`~vccap.build.pipeline` chains them in the staging folder).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vccap import keys
from vccap.build import fresh
from vccap.build.results import BuildLog, BuildReport, JobResult, Output
from vccap.build.stage import Staging
from vccap.build.state import (
    FAILED_NOTEBOOKS_DIR,
    LOG_FILE,
    BuildState,
    shared_reads,
    state_dir,
    states_exist,
)
from vccap.errors import BuildFailed, DocumentFailed, InvalidWorkspace, JobFailed
from vccap.formats.documents import parse_formats

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

    When nothing changed since the last complete build (:func:`~vccap.build.fresh.check`:
    the same files in the workspace and in ``out``, the same state, kit and ``formats``),
    nothing is read or written but the log: the report lists every page as up to date
    (without its summary) with the last disclosure control. ``force`` rebuilds everything.

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
    out = Path(out).resolve()
    if not force:
        unchanged = fresh.check(Path(workspace), out, formats=wanted)
        if unchanged is not None:
            return _unchanged(Path(workspace), out, unchanged, reporter, output, started)
    fresh.forget(Path(workspace), out)
    kit = fresh.kit_fingerprint()
    before = fresh.workspace_snapshot(Path(workspace), out)  # before anything is read

    from vccap.build.pipeline import build_in
    from vccap.loading import load_workspace

    ws = load_workspace(workspace)
    if ws.general_problems():
        raise InvalidWorkspace(ws.root, ws.general_problems())
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
        with shared_reads(folder) as reads:
            report = build_in(
                ws, out, stage, state, log, reporter, jobs, audit, notebooks, output, reads=reads
            )  # fmt: skip
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
    if audit:
        pages = [r.job_id for r in report.results]
        stamp = fresh.Stamp(pages, report.overrides, dict(report.disclosure))
        fresh.record(ws.root, out, before, formats=wanted, kit=kit, stamp=stamp)
    return report


def _unchanged(
    workspace: Path,
    out: Path,
    stamp: fresh.Stamp,
    reporter: Reporter,
    output: Output,
    started: float,
) -> BuildReport:
    """The report of a build that found nothing changed since the last complete one: every
    page up to date (their summaries are in the build state, not read here), the last
    disclosure control and audit still valid, the site left as it is."""
    if stamp.overrides:
        reporter("overrides", stamp.overrides)
    reporter("plan", {"total": len(stamp.pages), "todo": 0, "documents": 0, "dask": output.dask})
    log = BuildLog(state_dir(workspace, out) / LOG_FILE)
    report = BuildReport(
        out,
        results=[JobResult(page, True, 0.0, cached=True) for page in stamp.pages],
        log=log.path,
        disclosure=stamp.disclosure,
        formats=output.formats,
    )
    report.seconds = time.perf_counter() - started
    log.write(
        f"Rien n'a changé depuis la dernière construction complète (espace de travail, dossier "
        f"publié {out.name}, kit) : aucune page à reconstruire, site laissé tel quel (vérifié "
        f"en {report.seconds:.1f} s)."
    )
    return report


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
