"""Step 3 of a build: run page jobs (papermill on warm kernels) and write their pages.

Used by the build and by ``vccap transfer``: :func:`run_job` executes one notebook and
renders its page; :func:`run_jobs` runs many in worker processes, each keeping one warm
kernel (:mod:`vccap.kernels`). Executed notebooks are written outside the published folder
(``notebooks``) and deleted once the page is written, unless asked to keep them
(``vccap build --carnets-executes DIR``); a failing job keeps its executed notebook there, for
the build log, and the others go on. A kept notebook holds no absolute path of the machine
(:func:`without_machine_paths`).
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from vccap.build.plan import Job
from vccap.build.results import JobResult, Output
from vccap.errors import JobFailed
from vccap.formats.documents import documents_of, write_documents
from vccap.opendata.pagetables import publish_page
from vccap.pages.registry import SUMMARY_MIME

RENDERER: Any = None


def renderer(site_title: str):
    """This process's page renderer (one reused nbconvert exporter)."""
    global RENDERER
    if RENDERER is None or RENDERER.site_title != site_title:
        from vccap.site.render import PageRenderer

        RENDERER = PageRenderer(site_title=site_title)
    return RENDERER


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


def execute_job(job: Job, notebook_path: Path, *, warm: bool = True):
    """Execute one page's notebook with papermill; returns the executed notebook.

    The executed copy is written to ``notebook_path`` even when a cell fails (papermill's
    error banner). Raises :class:`~vccap.errors.JobFailed` (error name and first line of the
    message) when the notebook stops.
    """
    import papermill as pm

    from vccap import kernels

    notebook_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return kernels.execute(
            job.template, notebook_path, job.parameters, cwd=job.cwd, warm=warm,
            snapshot=job.snapshot,
        )  # fmt: skip
    except pm.PapermillExecutionError as exc:
        raise JobFailed(job.id, notebook_path, exc.ename, short(exc.evalue)) from None
    except Exception as exc:  # noqa: BLE001 - a job must never bring the build down
        raise JobFailed(job.id, notebook_path, type(exc).__name__, short(str(exc))) from None


def without_machine_paths(path: Path, job: Job) -> None:
    """Rewrite an executed notebook without the absolute paths of this machine: papermill's
    input and output paths become names, and the workspace's folder, the kit's, Python's and
    the home folder are replaced by placeholders wherever they appear (outputs included)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    meta = nb.get("metadata", {}).get("papermill")
    if isinstance(meta, dict):
        meta["input_path"] = Path(meta.get("input_path") or job.template).name
        meta["output_path"] = job.notebook
        meta.pop("cwd", None)
    text = json.dumps(nb, ensure_ascii=False, indent=1)
    places = {
        job.cwd: "<espace>",
        str(Path(job.template).parent): "<carnets>",
        str(Path(__file__).resolve().parents[1]): "<vccap>",
        sys.prefix: "<python>",
        sys.base_prefix: "<python>",
        str(Path.home()): "~",
    }
    for place, name in sorted(places.items(), key=lambda kv: -len(kv[0])):
        if len(place) > 1:
            text = text.replace(json.dumps(place)[1:-1], name)
    path.write_text(text + "\n", encoding="utf-8")


def write_job_documents(
    job: Job, out: str, site_title: str, output: Output, start: float, summary: Any = None
) -> JobResult:
    """Write the documents of a job whose page is written; a failing format stays with it."""
    wanted = documents_of(job.kind, output.formats)
    failed = (
        write_documents(
            Path(out), job.id, job.kind, job.title, site_title, wanted, chromium=output.chromium
        )
        if wanted
        else {}
    )
    return JobResult(
        job.id,
        True,
        time.perf_counter() - start,
        summary=summary,
        documents=tuple(f for f in wanted if f not in failed),
        documents_failed=failed or None,
    )


def run_documents(job: Job, out: str, site_title: str, output: Output) -> JobResult:
    """Only the documents of a page that is up to date (its notebook is not run again)."""
    result = write_job_documents(job, out, site_title, output, time.perf_counter())
    result.executed = False
    return result


def run_job(
    job: Job,
    out: str,
    site_title: str,
    warm: bool = True,
    notebooks: str | None = None,
    keep: bool = False,
    output: Output | None = None,
) -> JobResult:
    """Execute one notebook, then write its page and documents (runs in a worker).

    The executed notebook goes to ``notebooks`` (a folder outside the published one; a
    temporary one when None); it is deleted once the page is written unless ``keep``.
    """
    if notebooks is None:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="vccap-carnets-") as tmp:
            return run_job(job, out, site_title, warm, tmp, False, output)
    start = time.perf_counter()
    out_dir = Path(out)
    notebook = Path(notebooks) / job.notebook
    from vccap import kernels

    kernels.STARTS.clear()
    try:
        nb = execute_job(job, notebook, warm=warm)
    except JobFailed as exc:
        without_machine_paths(notebook, job)
        return JobResult(
            job.id,
            False,
            time.perf_counter() - start,
            error_name=exc.error_name,
            error_value=exc.error_value,
        )
    executed = time.perf_counter()
    try:
        html = renderer(site_title).render_notebook(
            nb, title=job.title, root=job.root, breadcrumb=job.breadcrumb, fictitious=job.fictitious
        )
        publish_page(out_dir, job.page, job.id, html)  # with its tables as CSV files
    except Exception as exc:  # noqa: BLE001
        return JobResult(
            job.id,
            False,
            time.perf_counter() - start,
            error_name=type(exc).__name__,
            error_value=short(str(exc)),
        )
    timings = job_timings(nb, sum(kernels.STARTS), executed - start, time.perf_counter() - executed)
    if keep:
        without_machine_paths(notebook, job)
    else:
        notebook.unlink(missing_ok=True)
    result = write_job_documents(
        job, out, site_title, output or Output(), start, summary=extract_summary(nb)
    )
    result.timings = timings
    return result


def job_timings(nb, kernel: float, papermill: float, render: float) -> dict[str, float]:
    """Where a job's time went (seconds): ``noyau`` (starting the warm kernel, first job of a
    worker only), ``papermill`` (executing the notebook, kernel start excluded), ``cellules``
    (the cells themselves, as papermill timed them), ``premiere_cellule`` (imports and
    loading the page), ``nbconvert`` (rendering the page)."""
    durations = [
        float((cell.get("metadata", {}).get("papermill", {}) or {}).get("duration") or 0.0)
        for cell in nb.cells
        if cell.get("cell_type") == "code"
        and "parameters" not in cell.get("metadata", {}).get("tags", [])
        and "injected-parameters" not in cell.get("metadata", {}).get("tags", [])
    ]
    return {
        "noyau": kernel,
        "papermill": max(0.0, papermill - kernel),
        "cellules": sum(durations),
        "premiere_cellule": durations[0] if durations else 0.0,
        "nbconvert": render,
    }


def short(text: str | None, limit: int = 300) -> str:
    lines = (text or "").strip().splitlines()
    first = lines[0] if lines else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


def _worker_init() -> None:
    """Each worker process starts its warm kernel lazily; make sure it stops with the worker."""
    from multiprocessing import util

    from vccap import kernels

    util.Finalize(None, kernels.shutdown_all, exitpriority=10)


def _pool(workers: int):
    """The pool of page workers: forked (cheap: the parent has already imported pandas,
    papermill and nbconvert, and holds no thread or kernel at this point), spawned where
    processes cannot be forked."""
    from vccap.forking import can_fork, forked_pool

    if can_fork():
        return forked_pool(workers, initializer=_worker_init)
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
    )


def run_jobs(
    todo: list[Job],
    out: Path,
    site_title: str,
    workers: int,
    on_result: Callable[[Job, JobResult], None],
    notebooks: Path | None = None,
    keep: bool = False,
    *,
    output: Output | None = None,
    documents_only: frozenset[str] = frozenset(),
) -> None:
    """Run jobs, ``workers`` at a time, calling ``on_result`` in completion order.

    Executed notebooks go to ``notebooks`` (kept there when ``keep``, else only those of
    failed jobs). Jobs whose id is in ``documents_only`` have an up-to-date page: only their
    documents (``output.formats``) are written."""
    folder = str(notebooks) if notebooks is not None else None
    output = output or Output()

    def task(job: Job) -> tuple[Callable[..., JobResult], tuple[Any, ...]]:
        if job.id in documents_only:
            return run_documents, (job, str(out), site_title, output)
        return run_job, (job, str(out), site_title, True, folder, keep, output)

    if workers <= 1:
        from vccap import kernels

        try:
            for job in todo:
                function, args = task(job)
                on_result(job, function(*args))
        finally:
            kernels.shutdown_all()
        return
    # Import what every job needs once, here: forked workers inherit it (papermill's import
    # alone costs about a second).
    import papermill  # noqa: F401

    from vccap import kernels
    from vccap.site import render  # noqa: F401

    with _pool(workers) as pool:
        futures = {}
        for job in todo:
            function, args = task(job)
            futures[pool.submit(function, *args)] = job
        for future in as_completed(futures):
            job = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - a dead worker fails its job only
                result = JobResult(
                    job.id, False, 0.0, error_name=type(exc).__name__, error_value=short(str(exc))
                )
            on_result(job, result)
