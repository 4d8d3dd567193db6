"""Build a workspace's site: plan jobs, skip what is up to date, run notebooks, isolate failures.

One job = one notebook template run with papermill on a real kernel, then converted in-process
to a page. Jobs run in worker processes (``jobs`` at a time); a job that fails keeps its
executed notebook (with papermill's error banner) and the others go on.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import vccap
from vccap import fmt, privacy, publish
from vccap.errors import (
    AuditFailed,
    BuildFailed,
    InvalidWorkspace,
    JobFailed,
)
from vccap.messages import format_problem
from vccap.workspace import STATUTS, Workspace, load_workspace

PACKAGE_DIR = Path(vccap.__file__).resolve().parent
CACHE_FILE = ".vccap-cache.json"
KERNEL_NAME = "python3"


def notebooks_dir() -> Path:
    """Where the notebook templates live (``notebooks/`` of the project)."""
    env = os.environ.get("VCCAP_NOTEBOOKS")
    if env:
        return Path(env)
    return PACKAGE_DIR.parents[1] / "notebooks"


# --------------------------------------------------------------------------- jobs


@dataclass
class Job:
    """One page to build."""

    id: str  # "actions/<action-id>": the page's path without suffix
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


@dataclass
class BuildReport:
    out: Path
    results: list[JobResult] = field(default_factory=list)
    invalid_actions: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0

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


# --------------------------------------------------------------------------- hashing


def _hash_files(paths: Iterable[Path], digest: Any, base: Path) -> None:
    for path in sorted(set(paths)):
        if path.is_file():
            digest.update(
                str(path.relative_to(base)).encode()
                if path.is_relative_to(base)
                else path.name.encode()
            )
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")


def kit_digest() -> str:
    """Hash of the kit's own code, catalogue, fragments and templates, and its version."""
    digest = hashlib.sha256(vccap.__version__.encode())
    files = [
        p
        for p in PACKAGE_DIR.rglob("*")
        if p.is_file()
        and p.suffix in {".py", ".yml", ".j2", ".json", ".css", ".js", ".tpl"}
        and "__pycache__" not in p.parts
    ]
    _hash_files(files, digest, PACKAGE_DIR)
    return digest.hexdigest()


def _workspace_files(ws: Workspace) -> list[Path]:
    return [
        ws.root / name
        for name in ("demarche.yml", "territoires.csv", "structures.csv", "types_action.yml")
    ]


def _action_files(ws: Workspace, action_id: str) -> list[Path]:
    folder = ws.actions[action_id].folder
    if folder is None:
        return []
    return [p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))]


def _personal_digest(ws: Workspace) -> str:
    """Hash of the names used for scrubbing (they come from every action's raw tables)."""
    values = ws.personal_values
    payload = json.dumps(
        [
            sorted(values.full_names),
            sorted(values.last_names),
            sorted(values.emails),
            sorted(values.phones),
        ]
    )
    return hashlib.sha256(payload.encode()).hexdigest()


# --------------------------------------------------------------------------- planning


def plan(ws: Workspace, *, kit: str | None = None) -> list[Job]:
    """One job per realised action without problems, with its content hash."""
    kit = kit or kit_digest()
    template = notebooks_dir() / "action_report.ipynb"
    common = hashlib.sha256()
    common.update(kit.encode())
    _hash_files([template], common, template.parent)
    _hash_files(_workspace_files(ws), common, ws.root)
    common.update(_personal_digest(ws).encode())
    jobs = []
    for action in ws.actions.values():
        if action.statut != "realisee" or ws.problems_of(action.id):
            continue
        type_label = ws.types[action.type].libelle if action.type in ws.types else action.type
        params = {"workspace": ws.root.name, "action_id": action.id}
        digest = common.copy()
        digest.update(json.dumps(params, sort_keys=True).encode())
        # The report compares with earlier editions of the same type: they count too.
        related = [
            a.id
            for a in ws.actions.values()
            if a.type == action.type
            and a.statut == "realisee"
            and (a.date_debut or a.id) <= (action.date_debut or a.id)
        ]
        for other in sorted(related):
            digest.update(other.encode())
            _hash_files(_action_files(ws, other), digest, ws.root)
        jobs.append(
            Job(
                id=f"actions/{action.id}",
                template=str(template),
                parameters=params,
                cwd=str(ws.root.parent),
                title=action.titre,
                breadcrumb=[(str(action.annee), None), (type_label, None), (action.titre, None)],
                fictitious=action.fictive,
                digest=digest.hexdigest(),
            )
        )
    return jobs


# --------------------------------------------------------------------------- running


_RENDERER: publish.PageRenderer | None = None


def _ipc_kernel_manager():
    """A kernel manager speaking over local sockets (IPC) rather than TCP ports.

    Kernels started side by side by parallel workers then never race for a TCP port, and
    ipykernel does not warn about unencrypted TCP.
    """
    from jupyter_client import AsyncKernelManager

    class IpcKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.transport = "ipc"
            # A unique socket path per kernel (the default, "kernel-ipc" in the working
            # directory, is shared by parallel workers); jupyter removes the files at shutdown.
            self.ip = os.path.join(tempfile.gettempdir(), f"vccap-{uuid.uuid4().hex[:12]}-ipc")

    return IpcKernelManager


def _renderer(site_title: str) -> publish.PageRenderer:
    global _RENDERER
    if _RENDERER is None or _RENDERER.site_title != site_title:
        _RENDERER = publish.PageRenderer(site_title=site_title)
    return _RENDERER


def _kernel_trouble(exc: BaseException) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return any(
        s in text
        for s in (
            "kernel died",
            "address already in use",
            "timeout waiting",
            "kernel didn't respond",
            "zmq",
        )
    )


def run_job(job: Job, out: str, site_title: str) -> JobResult:
    """Execute one notebook with papermill, then write its page (runs in a worker)."""
    import nbformat
    import papermill as pm

    start = time.perf_counter()
    out_dir = Path(out)
    notebook_path = out_dir / job.notebook
    notebook_path.parent.mkdir(parents=True, exist_ok=True)
    attempts = 3
    for attempt in range(1, attempts + 1):
        engine_options: dict[str, Any] = {}
        if attempt < attempts:  # last attempt: jupyter's default TCP transport
            engine_options["kernel_manager_class"] = _ipc_kernel_manager()
        try:
            pm.execute_notebook(
                job.template,
                str(notebook_path),
                parameters=job.parameters,
                kernel_name=KERNEL_NAME,
                cwd=job.cwd,
                progress_bar=False,
                log_output=False,
                report_mode=False,
                **engine_options,
            )
            break
        except pm.PapermillExecutionError as exc:
            return JobResult(
                job.id,
                False,
                time.perf_counter() - start,
                error_name=exc.ename,
                error_value=_short(exc.evalue),
            )
        except Exception as exc:  # noqa: BLE001 - a job must never bring the build down
            if attempt < attempts and (_kernel_trouble(exc) or attempt == 1):
                time.sleep(0.5 * attempt)
                continue
            return JobResult(
                job.id,
                False,
                time.perf_counter() - start,
                error_name=type(exc).__name__,
                error_value=_short(str(exc)),
            )
    try:
        nb = nbformat.read(notebook_path, as_version=4)
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
    return JobResult(job.id, True, time.perf_counter() - start)


def _short(text: str | None, limit: int = 300) -> str:
    text = (text or "").strip().splitlines()[0] if text else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _load_cache(out: Path) -> dict[str, str]:
    try:
        data = json.loads((out / CACHE_FILE).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _save_cache(out: Path, cache: dict[str, str]) -> None:
    publish.write_text_atomic(out / CACHE_FILE, json.dumps(cache, indent=1, sort_keys=True) + "\n")


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


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
    ws.load_all_tables()
    if ws.general_problems():
        raise InvalidWorkspace(ws.root, ws.general_problems())
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    report = BuildReport(out)
    for action_id in ws.actions:
        problems = ws.problems_of(action_id)
        if problems:
            report.invalid_actions[action_id] = [format_problem(p) for p in problems]
            reporter(
                "invalid", {"action": action_id, "problems": report.invalid_actions[action_id]}
            )

    publish.copy_assets(out)
    planned = plan(ws)
    cache = {} if force else _load_cache(out)
    todo: list[Job] = []
    for job in planned:
        if cache.get(job.id) == job.digest and (out / job.page).exists():
            report.results.append(JobResult(job.id, True, 0.0, cached=True))
            reporter("cached", {"job": job.id})
        else:
            todo.append(job)
    reporter("plan", {"total": len(planned), "todo": len(todo)})

    site_title = ws.demarche.nom
    workers = max(1, min(jobs or default_jobs(), len(todo) or 1))
    done = 0
    if todo:
        cache = {k: v for k, v in cache.items() if k in {j.id for j in planned}}
        if workers == 1:
            iterator = ((job, run_job(job, str(out), site_title)) for job in todo)
            for job, result in iterator:
                done += 1
                _record(report, cache, job, result, reporter, done, len(todo))
        else:
            with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
                futures = {pool.submit(run_job, job, str(out), site_title): job for job in todo}
                for future in as_completed(futures):
                    job = futures[future]
                    try:
                        result = future.result()
                    except Exception as exc:  # noqa: BLE001 - a dead worker fails its job only
                        result = JobResult(
                            job.id,
                            False,
                            0.0,
                            error_name=type(exc).__name__,
                            error_value=_short(str(exc)),
                        )
                    done += 1
                    _record(report, cache, job, result, reporter, done, len(todo))
        _save_cache(out, cache)

    write_index(ws, out, report)
    report.results.sort(key=lambda r: r.job_id)
    report.seconds = time.perf_counter() - started
    if audit:
        hits = privacy.audit(out, ws.personal_values)
        if hits:
            raise AuditFailed(hits)
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


def _record(
    report: BuildReport,
    cache: dict[str, str],
    job: Job,
    result: JobResult,
    reporter: Reporter,
    done: int,
    total: int,
) -> None:
    report.results.append(result)
    if result.ok:
        cache[job.id] = job.digest
    else:
        cache.pop(job.id, None)
        (report.out / job.page).unlink(missing_ok=True)
    reporter(
        "done",
        {
            "job": job.id,
            "ok": result.ok,
            "seconds": result.seconds,
            "done": done,
            "total": total,
            "error": result.error_value,
            "error_name": result.error_name,
        },
    )


# --------------------------------------------------------------------------- index


def write_index(ws: Workspace, out: Path, report: BuildReport) -> None:
    """The front page: actions by year then type, with key figures, status and alerts."""
    from vccap.indicators import action_indicators

    failed = {r.job_id: r for r in report.failed}
    sections = []
    years = sorted({a.annee for a in ws.actions.values() if a.annee}, reverse=True)
    for year in years:
        groups = []
        actions = [a for a in ws.actions.values() if a.annee == year]
        type_ids = list(dict.fromkeys(a.type for a in actions))
        for type_id in type_ids:
            spec = ws.types.get(type_id)
            rows = []
            for a in (x for x in actions if x.type == type_id):
                job_id = f"actions/{a.id}"
                chiffres = []
                alerte = None
                lien = None
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
                elif a.statut == "realisee":
                    lien = f"{job_id}.html"
                    try:
                        values, _ = action_indicators(ws, a.id)
                        chiffres = [
                            {
                                "libelle": values[k].libelle,
                                "valeur": fmt.valeur(values[k].valeur, values[k].unite),
                            }
                            for k in (spec.indicateurs_cles if spec else [])
                            if k in values and values[k].valeur is not None
                        ]
                    except InvalidWorkspace:
                        chiffres = []
                rows.append(
                    {
                        "titre": a.titre,
                        "lien": lien,
                        "type_libelle": spec.libelle if spec else type_id,
                        "dates": fmt.periode(a.date_debut, a.date_fin),
                        "lieu": a.lieu,
                        "statut_libelle": STATUTS.get(a.statut, a.statut),
                        "statut_classe": a.statut,
                        "chiffres": chiffres,
                        "alerte": alerte,
                        "fictif": a.fictive,
                    }
                )
            groups.append({"titre": spec.libelle if spec else type_id, "lignes": rows})
        sections.append({"titre": str(year), "intro": None, "groupes": groups})
    fictitious = any(a.fictive for a in ws.actions.values())
    realised = len(ws.actions_by_status("realisee"))
    intro = (f"{ws.demarche.description} " if ws.demarche.description else "") + (
        f"Ce site rassemble les bilans des {realised} actions réalisées"
        f" ({fmt.nombre(len(ws.actions))} actions en tout, prévues et annulées comprises)."
        if ws.actions
        else "Aucune action n'a encore été enregistrée dans cet espace de travail."
    )
    publish.render_site_page(
        "index.html.j2",
        out_path=out / "index.html",
        root="",
        site_title=ws.demarche.nom,
        title=ws.demarche.nom,
        intro=intro,
        sections=sections,
        fictitious=fictitious,
    )


def report_as_dict(report: BuildReport) -> dict[str, Any]:
    return {
        "out": str(report.out),
        "results": [asdict(r) for r in report.results],
        "invalid_actions": report.invalid_actions,
        "seconds": report.seconds,
    }
