"""Step 3 of a build on a Dask distributed cluster (``vccap build --dask tcp://host:8786``).

The client (the machine running ``vccap build``) scans, plans, indexes and audits as usual;
only the page jobs go to the cluster's workers. A worker must have the same vccap installed
(same code: checked with :func:`~vccap.build.state.kit_digest`) and see the workspace at the
same path (shared file system: checked before any job is sent). It reads the workspace only:
each job runs in the worker's own private folder (:func:`run_remote`, one job at a time per
worker process, on one warm kernel) and sends back the page and its documents as bytes, which
the client writes into the staging folder as a local build does. The site is therefore
byte-identical to a local build, and the published folder need not be shared.

Failures stay with their page: a notebook that stops, a worker that dies (Dask gives up on a
task after a few lost workers) or a task that cannot run make that page fail, the others go on.
Workers that do not see the workspace are not sent anything; the client does not send the
workspace's files to workers (a shared file system is required).
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vccap.build.plan import Job
from vccap.build.results import JobResult, Output
from vccap.build.run import run_documents, run_job, short
from vccap.errors import ClusterError
from vccap.formats.documents import DOCUMENT_FORMATS
from vccap.opendata.pagetables import remove_page_tables, tables_folder
from vccap.site.atomic import write_bytes_atomic

CONNECT_TIMEOUT = "20s"


@dataclass
class RemoteOutcome:
    """What a worker sends back for one job: its result, the files it wrote (page and
    documents, paths relative to the site) and its executed notebook when it is kept (a
    failed job, or ``--carnets-executes``)."""

    result: JobResult
    files: dict[str, bytes]
    notebook: bytes | None = None


# One thread per worker process runs the jobs: the warm kernel and its event loop live in
# that thread, whatever thread Dask runs the task in, and jobs never overlap in a process.
_RUNNER: ThreadPoolExecutor | None = None
_RUNNER_LOCK = threading.Lock()
_SITE: Path | None = None


def _runner() -> ThreadPoolExecutor:
    global _RUNNER
    with _RUNNER_LOCK:
        if _RUNNER is None:
            _RUNNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vccap-pages")
        return _RUNNER


def _private_site() -> Path:
    """This worker process's private site folder (assets copied once, for the documents)."""
    global _SITE
    if _SITE is None or not _SITE.is_dir():
        from vccap.site.publish import copy_assets

        _SITE = Path(tempfile.mkdtemp(prefix="vccap-dask-site-"))
        copy_assets(_SITE)
    return _SITE


def _worker_job(job: Job) -> Job:
    """The job with the kit's notebook as installed on this worker (same code, checked)."""
    if job.own_template:
        return job
    from vccap.overrides import kit_notebooks_dir

    return dataclasses.replace(job, template=str(kit_notebooks_dir() / Path(job.template).name))


def _run_here(
    job: Job, site_title: str, output: Output, keep: bool, page: bytes | None
) -> RemoteOutcome:
    site = _private_site()
    job = _worker_job(job)
    with tempfile.TemporaryDirectory(prefix="vccap-dask-carnets-") as notebooks:
        if page is None:
            result = run_job(job, str(site), site_title, True, notebooks, True, output)
        else:
            write_bytes_atomic(site / job.page, page)
            result = run_documents(job, str(site), site_title, output)
        files: dict[str, bytes] = {}
        for name in [job.page, *(f"{job.id}.{fmt}" for fmt in DOCUMENT_FORMATS)]:
            path = site / name
            if path.exists():
                if page is None or name != job.page:
                    files[name] = path.read_bytes()
                path.unlink()
        tables = site / tables_folder(job.id)  # the page's tables as CSV (open data)
        if tables.is_dir():
            for path in sorted(tables.rglob("*")):
                if path.is_file() and page is None:
                    files[path.relative_to(site).as_posix()] = path.read_bytes()
            shutil.rmtree(tables)
        executed = Path(notebooks) / job.notebook
        notebook = executed.read_bytes() if executed.exists() and (keep or not result.ok) else None
    return RemoteOutcome(result, files, notebook)


def run_remote(
    job: Job, site_title: str, output: Output, keep: bool = False, page: bytes | None = None
) -> RemoteOutcome:
    """Run one page job on this worker (a Dask task): its page, or only its documents when
    ``page`` (the up-to-date page's bytes) is given. Never raises for a failing notebook:
    the failure is in the result."""
    return _runner().submit(_run_here, job, site_title, output, keep, page).result()


def shutdown_kernels() -> None:
    """Stop this worker process's warm kernel (in the thread that started it)."""
    from vccap import kernels

    if _RUNNER is not None:
        _RUNNER.submit(kernels.shutdown_all).result()


def worker_facts(workspace: str) -> dict[str, Any]:
    """What the client checks on each worker before sending jobs."""
    from vccap.build.state import kit_digest

    path = Path(workspace)
    return {"sees": (path / "demarche.yml").is_file(), "kit": kit_digest()}


def connect(address: str):
    """A Dask client connected to the scheduler at ``address``.

    Raises :class:`~vccap.errors.ClusterError` (``"injoignable"``) when it cannot be
    reached, or (``"absent"``) when the distributed package is not installed.
    """
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError(address, "absent") from None
    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(address, "injoignable", detail=short(str(exc))) from None


def check_workers(client, address: str, workspace: Path) -> list[str]:
    """The workers that can build this workspace's pages (sorted addresses).

    Raises :class:`~vccap.errors.ClusterError`: ``"sans_travailleur"`` (no worker),
    ``"espace_invisible"`` (no worker sees the workspace at its path), ``"autre_version"``
    (a worker's vccap differs from the client's: pages would differ).
    """
    from vccap.build.state import kit_digest

    facts = client.run(worker_facts, str(workspace))
    if not facts:
        raise ClusterError(address, "sans_travailleur")
    kit = kit_digest()
    other = sorted(w for w, f in facts.items() if f["kit"] != kit)
    if other:
        raise ClusterError(address, "autre_version", workers=other)
    seeing = sorted(w for w, f in facts.items() if f["sees"])
    if not seeing:
        raise ClusterError(address, "espace_invisible", workers=sorted(facts), path=workspace)
    return seeing


def run_jobs_dask(
    address: str,
    workspace: Path,
    todo: list[Job],
    out: Path,
    site_title: str,
    on_result: Callable[[Job, JobResult], None],
    notebooks: Path,
    keep: bool,
    *,
    output: Output | None = None,
    documents_only: frozenset[str] = frozenset(),
) -> None:
    """Run ``todo`` on the Dask cluster at ``address``; ``on_result`` in completion order.

    Pages and documents are written into ``out`` (the staging folder) by this process;
    executed notebooks of failed jobs (all of them when ``keep``) go to ``notebooks``.
    Raises :class:`~vccap.errors.ClusterError` before any job runs when the cluster cannot
    build this workspace (see :func:`connect`, :func:`check_workers`).
    """
    from distributed import as_completed

    output = output or Output()
    client = connect(address)
    try:
        workers = check_workers(client, address, workspace)
        futures = {}
        for job in todo:
            page = (out / job.page).read_bytes() if job.id in documents_only else None
            future = client.submit(
                run_remote, job, site_title, output, keep, page, workers=workers, pure=False
            )
            futures[future] = job
        for future in as_completed(list(futures), loop=client.loop):
            job = futures[future]
            try:
                outcome: RemoteOutcome = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker fails its job only
                on_result(job, _failed(job, exc))
                continue
            on_result(job, _store(outcome, job, out, notebooks))
        try:
            client.run(shutdown_kernels, workers=workers)
        except Exception:  # noqa: BLE001 - best effort: kernels also stop with their worker
            pass
    finally:
        client.close()


def _failed(job: Job, exc: BaseException) -> JobResult:
    return JobResult(job.id, False, 0.0, error_name=type(exc).__name__, error_value=short(str(exc)))


def _store(outcome: RemoteOutcome, job: Job, out: Path, notebooks: Path) -> JobResult:
    """Write what a worker sent back; its result, or a failure when writing fails."""
    try:
        if outcome.result.ok and job.page in outcome.files:
            remove_page_tables(out, job.id)  # the page's CSV files come with it
        for name, data in sorted(outcome.files.items()):
            write_bytes_atomic(out / name, data)
        if outcome.notebook is not None:
            write_bytes_atomic(notebooks / job.notebook, outcome.notebook)
    except OSError as exc:
        return _failed(job, exc)
    return outcome.result
