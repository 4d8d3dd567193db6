"""Benchmark of ``vccap build``: naive baseline, full build, no-op, one change, memory.

    python benchmarks/build.py                      # the example workspace data/
    python benchmarks/build.py --jobs 2 --repeat 3
    python benchmarks/build.py --synthetic 100 --skip-naive
    python benchmarks/build.py --scaling 20,50,100,200

On one temporary copy of the workspace (``data/`` itself and ``reports/`` are never
written), in one run:

(a) naive baseline: for every job of ``vccap.build.plan(ws)``, the ``papermill`` CLI then
    the ``jupyter nbconvert --to html`` CLI, one after the other, same templates and
    parameters as the build;
(b) ``vccap build --force`` into a fresh folder;
(c) ``vccap build`` again, nothing changed;
(d) ``vccap build`` after a real change of data in one raw table of the most recent action
    (its last row duplicated: one more cost line or answer); the cache compares the tables'
    content, so a new mtime, an Excel re-save or a blank row alone rebuild nothing;
(e) that action's page alone, from scratch: a fresh Python process that plans the full
    workspace and runs that one job with the build's own ``vccap.build.run_job`` (cold
    kernel, papermill, page rendering), for the record;
(f) the pages (d) rebuilt (the action's page, and the yearly review, method sheet and
    territory pages that read it), from scratch, alone: a fresh process that runs those jobs
    with the build's own ``vccap.build.run_jobs`` and as many workers as the build starts,
    and nothing else (no scan of the other actions, no disclosure control, index or audit).
    The issue's reference for (d): « the time of building its pages alone ». A workspace
    copy holding only that action would not do: its page would lose the earlier editions
    it compares with, and the copy would still build every territory page.

Peak memory is the largest sum of RSS over the process tree of ``vccap build`` (workers and
kernels included), sampled every 50 ms with psutil. The scaling table also gives the largest
sum of PSS, sampled every 0.25 s, and its memory verdict is on it: the build's workers are
forked and share their parent's pages (copy on write), and the kernels share the libraries'
pages, which a sum of RSS counts once per process; PSS counts a page shared by k processes
1/k in each, so its sum is the memory the machine gives the build. Targets (issue 13):
(b) <= 0.05 x (a), (c) <= 0.5 s, (d) <= 1.5 x (f), peak memory < 2 GB.

``--scaling 100,300,1000`` times (b), (c), (d), (e), (f) and peak memory on synthetic workspaces
of those sizes, with the targets of the largest one: from scratch <= 10 min, time per action
constant within 1.3 x across sizes, no-op <= 0.5 s, (d) <= 1.5 x (f), memory < 2 GB. Where
the time goes: the phases of the build (start-up and plan, pages, after the pages: disclosure
control, index, audit) from the moment each line of its output arrives, and per page (kernel
start, papermill, the cells, the first cell, nbconvert) from the build log.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin" if (ROOT / ".venv" / "bin").is_dir() else Path(sys.executable).parent
EXAMPLE = ROOT / "data"
PSS_EVERY = 5  # samples
SAMPLE_SECONDS = 0.05

TARGET_FULL = 0.05  # (b) / (a)
TARGET_NOOP = 0.5  # seconds, start-up and imports included
TARGET_CHANGE = 1.5  # (d) / (e)
TARGET_SCRATCH = 600.0  # seconds for the largest size of --scaling (1,000 actions)
TARGET_SPREAD = 1.3  # max / min of the time per action across --scaling sizes
TARGET_MEMORY_MB = 2048.0


# --------------------------------------------------------------------------- measuring


@dataclass
class Run:
    """One timed command."""

    seconds: float
    peak_mb: float
    returncode: int
    stdout: str = field(repr=False, default="")
    stderr: str = field(repr=False, default="")
    lines: list[tuple[float, str]] = field(repr=False, default_factory=list)  # (s, line)
    pss_mb: float = 0.0  # peak of the summed PSS (shared pages counted once)

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and all its descendants, and every
    ``PSS_EVERY``-th time their summed PSS (proportional set size: a page shared by k
    processes counts 1/k in each, so the sum is the memory the tree holds; reading it costs
    more, hence less often)."""

    def __init__(self, pid: int, interval: float = SAMPLE_SECONDS) -> None:
        super().__init__(daemon=True)
        import psutil

        self.psutil = psutil
        self.interval = interval
        self.peak = 0
        self.peak_pss = 0
        self._samples = 0
        self._halt = threading.Event()
        try:
            self.root = psutil.Process(pid)
        except psutil.NoSuchProcess:
            self.root = None

    def sample(self) -> None:
        ps = self.psutil
        if self.root is None:
            return
        total = 0
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except ps.Error:
            return
        for proc in procs:
            try:
                total += proc.memory_info().rss
            except ps.Error:
                pass
        self.peak = max(self.peak, total)
        self._samples += 1
        if self._samples % PSS_EVERY == 1:
            pss = 0
            for proc in procs:
                try:
                    pss += proc.memory_full_info().pss
                except (ps.Error, AttributeError):
                    pass
            self.peak_pss = max(self.peak_pss, pss)

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.interval)

    def stop(self) -> int:
        self._halt.set()
        self.join()
        return self.peak


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("PYTHONIOENCODING", "utf-8")
    env["PYTHONUNBUFFERED"] = "1"  # lines are timed as they arrive
    return env


def measure(cmd: list[str], *, cwd: Path, memory: bool = True) -> Run:
    """Run a command, wall-clock timed, sampling the memory of its process tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(c) for c in cmd],
        cwd=cwd,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    sampler = TreeSampler(proc.pid) if memory else None
    if sampler:
        sampler.start()
    lines: list[tuple[float, str]] = []
    errors: list[str] = []

    def drain_err() -> None:
        errors.extend(proc.stderr)

    reader = threading.Thread(target=drain_err, daemon=True)
    reader.start()
    for line in proc.stdout:  # each line timed as it arrives
        lines.append((time.perf_counter() - start, line))
    proc.wait()
    reader.join()
    seconds = time.perf_counter() - start
    peak = sampler.stop() if sampler else 0
    pss = sampler.peak_pss if sampler else 0
    out = "".join(line for _, line in lines)
    return Run(seconds, peak / 2**20, proc.returncode, out, "".join(errors), lines, pss / 2**20)


def vccap(*args: Any, cwd: Path) -> Run:
    return measure([BIN / "vccap", *args], cwd=cwd)


@dataclass
class BuildRun:
    """``vccap build`` timed, with what its output says."""

    run: Run
    built: int | None = None  # pages (re)built
    cached: int | None = None  # pages up to date
    internal: float | None = None  # seconds reported by the build itself
    page_seconds: list[float] = field(default_factory=list)  # per page, inside its worker
    page_ids: list[str] = field(default_factory=list)  # the pages (re)built, in order
    planned_at: float | None = None  # seconds from the start to the plan's line
    pages_done_at: float | None = None  # seconds from the start to the last page's line
    timings: dict[str, list[dict[str, float]]] = field(default_factory=dict)  # kind -> pages

    @property
    def seconds(self) -> float:
        return self.run.seconds


def parse_build(run: Run) -> BuildRun:
    text = run.stdout + run.stderr
    result = BuildRun(run)
    final = re.search(r"Site construit en ([\d,.]+) s", text)
    if final:
        result.internal = float(final.group(1).replace(",", "."))
    built = re.search(r"(\d+) pages? construites?", text)
    cached = re.search(r"(\d+) pages? (?:à|a) jour", text)
    if built:
        result.built = int(built.group(1))
    if cached:
        result.cached = int(cached.group(1))
    result.page_seconds = [
        float(s.replace(",", ".")) for s in re.findall(r"\] [✓✗] \S+ \(([\d,.]+) s\)", text)
    ]
    result.page_ids = re.findall(r"\] [✓✗] (\S+) \([\d,.]+ s\)", text)
    for at, line in run.lines:
        if line.startswith(("Construction de ", "Les ")) and result.planned_at is None:
            result.planned_at = at
        if re.match(r"\s+\[\d+/\d+\] ", line):
            result.pages_done_at = at
    return result


def read_timings(workspace: Path, out: Path) -> dict[str, list[dict[str, float]]]:
    """Per page kind, where each page's time went (the build log's « durées » lines)."""
    from vccap.build.state import LOG_FILE, state_dir

    log = state_dir(workspace, out) / LOG_FILE
    found: dict[str, list[dict[str, float]]] = {}
    if not log.exists():
        return found
    for line in log.read_text(encoding="utf-8").splitlines():
        match = re.match(r"(\w+)/\S+ : durées (.*)$", line)
        if not match:
            continue
        items = re.findall(r"(\w+) ([\d,]+) s", match.group(2))
        found.setdefault(match.group(1), []).append(
            {k: float(v.replace(",", ".")) for k, v in items}
        )
    return found


def build(workspace: Path, out: Path, *, jobs: int | None, force: bool, cwd: Path) -> BuildRun:
    args: list[Any] = ["build", workspace, "-o", out]
    if jobs:
        args += ["-j", jobs]
    if force:
        args.append("--force")
    result = parse_build(vccap(*args, cwd=cwd))
    result.timings = read_timings(workspace, out)
    if not result.run.ok:
        tail = (result.run.stderr or result.run.stdout).strip().splitlines()[-15:]
        print(f"  ! vccap build a échoué (code {result.run.returncode}) :", file=sys.stderr)
        for line in tail:
            print(f"    {line}", file=sys.stderr)
    return result


# --------------------------------------------------------------------------- workspace


def copy_workspace(source: Path, target: Path) -> Path:
    """A private copy (pseudonymisation key included)."""
    shutil.copytree(source, target)
    return target


SINGLE_PAGE = """
import json, sys
from vccap.build.plan import plan
from vccap.build.run import run_job
from vccap.loading import load_workspace
ws = load_workspace(sys.argv[1])
job = next(j for j in plan(ws) if j.id == "actions/" + sys.argv[2])
result = run_job(job, sys.argv[3], ws.demarche.nom)
try:
    from vccap import kernels
    kernels.shutdown_all()
except Exception:
    pass
print(json.dumps({"ok": result.ok, "seconds": result.seconds, "error": result.error_value}))
"""


def single_page(workspace: Path, action_id: str, out: Path, cwd: Path) -> BuildRun | None:
    """One action's page from scratch, alone, in a fresh process (None if impossible)."""
    run = measure([BIN / "python", "-c", SINGLE_PAGE, workspace, action_id, out], cwd=cwd)
    try:
        data = json.loads(run.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        data = None
    if not run.ok or not data or not data.get("ok"):
        detail = (data or {}).get("error") or (run.stderr.strip().splitlines() or ["?"])[-1]
        print(f"  ! page seule impossible avec vccap.build.run_job : {detail}", file=sys.stderr)
        return None
    return BuildRun(run, built=1, internal=None, page_seconds=[data["seconds"]])


PAGES_ALONE = """
import json, sys
from vccap.build.plan import plan
from vccap.build.results import default_jobs
from vccap.build.run import run_jobs
from vccap.loading import load_workspace
ws = load_workspace(sys.argv[1])
wanted = set(sys.argv[3:])
todo = [j for j in plan(ws) if j.id in wanted]
results = []
workers = max(1, min(default_jobs(), len(todo) if len(todo) > 2 else 1))  # as the build
run_jobs(todo, sys.argv[2], ws.demarche.nom, workers, lambda job, r: results.append(r))
print(json.dumps({"ok": all(r.ok for r in results) and len(results) == len(wanted),
                  "pages": len(results), "seconds": [r.seconds for r in results]}))
"""


def pages_alone(workspace: Path, page_ids: list[str], out: Path, cwd: Path) -> BuildRun | None:
    """The pages a change rebuilt, from scratch, alone, in a fresh process: the build's own
    ``run_jobs`` with as many workers as the build would start, and nothing else (no scan of
    the other actions, no disclosure control, index or audit). None if impossible."""
    if not page_ids:
        return None
    run = measure([BIN / "python", "-c", PAGES_ALONE, workspace, out, *page_ids], cwd=cwd)
    try:
        data = json.loads(run.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        data = None
    if not run.ok or not data or not data.get("ok"):
        detail = (run.stderr.strip().splitlines() or ["?"])[-1]
        print(f"  ! pages seules impossibles avec vccap.build.run_jobs : {detail}", file=sys.stderr)
        return None
    return BuildRun(run, built=data["pages"], internal=None, page_seconds=data["seconds"])


def validate(workspace: Path, cwd: Path) -> None:
    run = vccap("validate", workspace, cwd=cwd)
    if not run.ok:
        print(run.stdout + run.stderr, file=sys.stderr)
        sys.exit(f"L'espace de travail {workspace} n'est pas valide : banc d'essai arrêté.")


def pick_change(workspace: Path) -> tuple[str, Path]:
    """The most recent realised action that has a CSV table; its couts.csv if any."""
    from vccap.loading import load_workspace

    ws = load_workspace(workspace)
    actions = sorted(
        (a for a in ws.actions.values() if a.statut == "realisee"),
        key=lambda a: (a.date_debut or dt.date.min, a.id),
        reverse=True,
    )
    for action in actions:
        csvs = {k: p for k, p in action.files.items() if p.suffix.lower() == ".csv"}
        if csvs:
            preferred = csvs.get("couts") or csvs.get("satisfaction")
            return action.id, preferred or csvs[sorted(csvs)[0]]
    sys.exit("Aucune action réalisée avec une table CSV : mesure (d) impossible.")


def touch_content(path: Path) -> None:
    """Duplicate the last data row: a real, valid change of the table's content."""
    data = path.read_bytes()
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    rows = [r for r in data.split(newline) if r.strip()]
    if not data.endswith(newline):
        data += newline
    path.write_bytes(data + rows[-1] + newline)


# --------------------------------------------------------------------------- naive baseline


@dataclass
class NaivePage:
    id: str
    papermill: float
    nbconvert: float
    ok: bool

    @property
    def seconds(self) -> float:
        return self.papermill + self.nbconvert


@dataclass
class NaiveRun:
    seconds: float
    peak_mb: float
    pages: list[NaivePage]

    @property
    def ok(self) -> bool:
        return all(p.ok for p in self.pages)


def planned_jobs(workspace: Path) -> list[dict[str, Any]]:
    """The build's jobs as plain dicts: id, template, parameters, cwd."""
    from vccap.build.plan import plan
    from vccap.loading import load_workspace

    ws = load_workspace(workspace)
    ws.load_all_tables()
    jobs = []
    for job in plan(ws):
        jobs.append(
            {
                "id": str(getattr(job, "id", "") or Path(job.template).stem),
                "template": str(job.template),
                "parameters": dict(job.parameters),
                "cwd": str(getattr(job, "cwd", None) or ws.root.parent),
            }
        )
    return jobs


def naive(workspace: Path, out: Path, cwd: Path) -> NaiveRun:
    """papermill CLI then nbconvert CLI, page after page."""
    jobs = planned_jobs(workspace)
    pages: list[NaivePage] = []
    peak = 0.0
    start = time.perf_counter()
    for job in jobs:
        notebook = out / f"{job['id']}.ipynb"
        notebook.parent.mkdir(parents=True, exist_ok=True)
        params = json.dumps(job["parameters"], ensure_ascii=False, default=str)  # JSON is YAML
        pm = measure(
            [
                BIN / "papermill",
                job["template"],
                notebook,
                "-y",
                params,
                "--cwd",
                job["cwd"],
                "-k",
                "python3",
                "--no-progress-bar",
            ],
            cwd=cwd,
        )
        nb = measure(
            [
                BIN / "jupyter",
                "nbconvert",
                "--to",
                "html",
                notebook,
                "--output-dir",
                notebook.parent,
            ],
            cwd=cwd,
        )
        peak = max(peak, pm.peak_mb, nb.peak_mb)
        ok = pm.ok and nb.ok
        if not ok:
            bad = pm if not pm.ok else nb
            print(f"  ! base naïve : échec pour {job['id']} :", file=sys.stderr)
            print("    " + "\n    ".join(bad.stderr.strip().splitlines()[-5:]), file=sys.stderr)
        pages.append(NaivePage(job["id"], pm.seconds, nb.seconds, ok))
    return NaiveRun(time.perf_counter() - start, peak, pages)


# --------------------------------------------------------------------------- printing


def fr(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",")


def ratio(value: float | None, ref: float | None) -> str:
    if value is None or not ref:
        return "—"
    return fr(value / ref, 2) + " ×"


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("OK" if ok else "ÉCHEC")


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    right = [i > 0 for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)
        )

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


# --------------------------------------------------------------------------- main benchmark


def single(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    if args.synthetic is not None:
        from synthetic import make_workspace

        ws = make_workspace(tmp / "data", args.synthetic, seed=args.seed)
        label = f"espace synthétique de {args.synthetic} actions (graine {args.seed})"
    else:
        source = Path(args.workspace).resolve()
        ws = copy_workspace(source, tmp / source.name)
        label = f"{source} (copie temporaire)"
    work = tmp / "travail"
    work.mkdir()
    print(f"Banc d'essai de « vccap build » sur {label}")
    print(
        f"  processus en parallèle : {args.jobs or 'défaut (nombre de cœurs)'} ; "
        f"répétitions : {args.repeat} ; cœurs : {os.cpu_count()}"
    )
    validate(ws, work)
    jobs = planned_jobs(ws)
    print(f"  pages planifiées : {len(jobs)}")

    results: dict[str, Any] = {"workspace": label, "jobs": args.jobs, "pages": len(jobs)}

    # (a) naive baseline
    naive_runs: list[NaiveRun] = []
    if not args.skip_naive:
        for r in range(args.repeat):
            print(
                f"(a) base naïve (papermill puis nbconvert, page par page) {r + 1}/{args.repeat}…"
            )
            naive_runs.append(naive(ws, tmp / f"naive-{r}", work))
    a = median([n.seconds for n in naive_runs])

    # (b) full build, (c) no-op, (d) one change
    full: list[BuildRun] = []
    noop: list[BuildRun] = []
    change: list[BuildRun] = []
    changed_action, changed_file = pick_change(ws)
    for r in range(args.repeat):
        out = tmp / f"site-{r}"
        print(f"(b) construction complète {r + 1}/{args.repeat}…")
        full.append(build(ws, out, jobs=args.jobs, force=True, cwd=work))
        print(f"(c) reconstruction sans changement {r + 1}/{args.repeat}…")
        noop.append(build(ws, out, jobs=args.jobs, force=False, cwd=work))
        touch_content(changed_file)
        print(f"(d) après modification de {changed_file.relative_to(ws)} {r + 1}/{args.repeat}…")
        change.append(build(ws, out, jobs=args.jobs, force=False, cwd=work))
    validate(ws, work)  # the duplicated row must keep the workspace valid

    # (e) the changed action's page from scratch, alone
    alone: list[BuildRun] = []
    for r in range(args.repeat):
        print(f"(e) page de {changed_action} seule, depuis zéro {r + 1}/{args.repeat}…")
        one = single_page(ws, changed_action, tmp / f"seule-{r}", work)
        if one is None:
            break
        alone.append(one)

    # (f) the pages the change rebuilt, from scratch, alone
    own: list[BuildRun] = []
    for r in range(args.repeat):
        ids = change[r].page_ids if r < len(change) else []
        print(
            f"(f) les {len(ids)} pages refaites par (d), seules, depuis zéro {r + 1}/{args.repeat}…"
        )
        many = pages_alone(ws, ids, tmp / f"seules-{r}", work)
        if many is None:
            break
        own.append(many)

    b = median([x.seconds for x in full])
    c = median([x.seconds for x in noop])
    d = median([x.seconds for x in change])
    e = median([x.seconds for x in alone])
    f = median([x.seconds for x in own])
    naive_page = None
    if naive_runs:
        per = [p.seconds for n in naive_runs for p in n.pages if p.id.endswith(changed_action)]
        naive_page = median(per)
    all_ok = all(x.run.ok for x in full + noop + change + alone) and all(n.ok for n in naive_runs)

    e_label = "(e) sa page seule, depuis zéro (processus neuf)"
    if e is None and naive_page is not None:
        e, e_label = naive_page, "(e) sa page seule, depuis zéro (page de (a))"

    def pages(runs: list[BuildRun]) -> str:
        built = [x.built for x in runs if x.built is not None]
        return str(built[-1]) if built else "?"

    def peak(runs: list[BuildRun]) -> float | None:
        return max((x.run.peak_mb for x in runs), default=None)

    ok_b = (b <= TARGET_FULL * a) if a else None
    ok_c = c <= TARGET_NOOP
    ok_d = (d <= TARGET_CHANGE * f) if f else None
    rows = []
    if naive_runs:
        naive_peak = max(n.peak_mb for n in naive_runs)
        rows.append(["(a) base naïve : papermill + nbconvert en CLI", fr(a), "1,00 ×",
                     str(len(jobs)), fr(naive_peak, 0), "référence", "—"])  # fmt: skip
    rows += [
        ["(b) vccap build --force (depuis zéro)", fr(b), ratio(b, a), pages(full),
         fr(peak(full), 0), f"≤ {fr(TARGET_FULL, 2)} × (a)", verdict(ok_b)],
        ["(c) vccap build, rien de changé", fr(c, 2), ratio(c, a), pages(noop),
         fr(peak(noop), 0), f"≤ {fr(TARGET_NOOP, 1)} s", verdict(ok_c)],
        ["(d) vccap build, une action modifiée", fr(d), ratio(d, a), pages(change),
         fr(peak(change), 0), f"≤ {fr(TARGET_CHANGE, 1)} × (f)", verdict(ok_d)],
        [e_label, fr(e), ratio(e, a), "1", fr(peak(alone), 0), "pour mémoire", "—"],
        ["(f) ses pages seules, depuis zéro (processus neuf)", fr(f), ratio(f, a), pages(own),
         fr(peak(own), 0), "référence de (d)", "—"],
    ]  # fmt: skip
    headers = ["Mesure", "Temps (s)", "Rapport à (a)", "Pages", "Mémoire max (Mo)", "Cible"]
    print()
    print(table([*headers, "Verdict"], rows))
    print()
    print(f"(d)/(f) = {ratio(d, f)} (une action modifiée / les mêmes pages seules, depuis zéro)")
    print(f"(d)/(e) = {ratio(d, e)} (une action modifiée / la page de l'action seule)")
    print(f"Action modifiée : {changed_action} ({changed_file.name}, dernière ligne dupliquée)")
    if naive_page is not None:
        print(f"Sa page dans la base naïve (a) : {fr(naive_page)} s")
    print(f"Mémoire max de (b) : {fr(peak(full), 0)} Mo "
          "(somme des RSS : commande, processus de travail et noyaux)")  # fmt: skip

    print()
    print("Où passe le temps")
    startup = measure([BIN / "python", "-c", "import vccap.build.core, vccap.cli"], cwd=work)
    print(f"  import de vccap.cli et vccap.build.core (nouveau processus ; tout ce qu'importe "
          f"une construction sans changement) : {fr(startup.seconds, 2)} s")  # fmt: skip
    steps = measure([BIN / "python", "-c", "import vccap.build.pipeline, vccap.cli"], cwd=work)
    print(f"  import de vccap.build.pipeline en plus (pandas, scipy, nbconvert… : une "
          f"construction qui a quelque chose à faire) : {fr(steps.seconds, 2)} s")  # fmt: skip
    if naive_runs:
        n = naive_runs[-1]
        k = max(1, len(n.pages))
        pm = sum(p.papermill for p in n.pages) / k
        nb = sum(p.nbconvert for p in n.pages) / k
        print(f"  (a) par page : papermill {fr(pm, 2)} s + nbconvert {fr(nb, 2)} s")
    for name, runs in (("(b)", full), ("(c)", noop), ("(d)", change), ("(e)", alone),
                       ("(f)", own)):  # fmt: skip
        if not runs:
            continue
        x = runs[-1]
        line = f"  {name} mur {fr(x.seconds, 2)} s"
        if x.internal is not None:
            line += f", dont « Site construit en » {fr(x.internal, 1)} s"
            line += f" ; hors construction (démarrage, imports) {fr(x.seconds - x.internal, 2)} s"
        if x.page_seconds:
            mean = statistics.mean(x.page_seconds)
            line += f" ; pages : {len(x.page_seconds)}, moyenne {fr(mean, 2)} s"
            line += f", somme {fr(sum(x.page_seconds), 1)} s"
        print(line)
    print()
    verdicts = {"complete": ok_b, "sans_changement": ok_c, "une_modification": ok_d}
    print("Verdict : " + ", ".join(f"{k} {verdict(v)}" for k, v in verdicts.items()))
    if not all_ok:
        print("ATTENTION : au moins une commande a échoué ; les temps ci-dessus sont à vérifier.")
    results.update(
        naive=[asdict(n) for n in naive_runs],
        a=a,
        b=b,
        c=c,
        d=d,
        e=e,
        e_label=e_label,
        f=f,
        naive_page=naive_page,
        changed_action=changed_action,
        changed_file=str(changed_file.relative_to(ws)),
        peak_mb={
            "b": peak(full),
            "c": peak(noop),
            "d": peak(change),
            "e": peak(alone),
            "f": peak(own),
        },
        pages_built={
            "b": pages(full),
            "c": pages(noop),
            "d": pages(change),
            "e": pages(alone),
            "f": pages(own),
        },  # fmt: skip
        internal={"b": full[-1].internal, "c": noop[-1].internal, "d": change[-1].internal},
        startup_import=startup.seconds,
        verdicts=verdicts,
        all_ok=all_ok,
    )
    return results


def phases(x: BuildRun) -> str:
    """Start-up and plan / pages / after the pages (disclosure control, index, audit)."""
    if x.planned_at is None:
        return "—"
    done = x.pages_done_at if x.pages_done_at is not None else x.planned_at
    return (
        f"démarrage et plan {fr(x.planned_at, 1)} s ; pages {fr(done - x.planned_at, 1)} s ; "
        f"après les pages (contrôle statistique, accueil, audit) {fr(x.seconds - done, 1)} s"
    )


def page_breakdown(x: BuildRun) -> list[str]:
    """One line per page kind: mean seconds per page of each part (from the build log)."""
    lines = []
    parts = ["noyau", "papermill", "cellules", "premiere_cellule", "nbconvert"]
    names = {"premiere_cellule": "dont 1re cellule (imports, chargement)"}
    for kind, pages in sorted(x.timings.items()):
        means = {p: statistics.mean(t.get(p, 0.0) for t in pages) for p in parts}
        started = sum(1 for t in pages if t.get("noyau"))
        text = " ; ".join(f"{names.get(p, p)} {fr(means[p], 2)} s" for p in parts)
        lines.append(f"    {kind} ({len(pages)} pages, {started} démarrages de noyau) : {text}")
    return lines


def scaling(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    from synthetic import make_workspace

    sizes = [int(s) for s in args.scaling.split(",") if s.strip()]
    work = tmp / "travail"
    work.mkdir()
    print(
        f"Passage à l'échelle de « vccap build » : {', '.join(map(str, sizes))} actions "
        f"(processus : {args.jobs or 'nombre de cœurs'} ; {os.cpu_count()} cœurs ; "
        f"graine {args.seed} ; charge au départ {load()})"
    )
    points = []
    details: list[list[str]] = []
    for n in sizes:
        ws = make_workspace(tmp / f"n{n}" / "data", n, seed=args.seed)
        validate(ws, work)
        changed_action, changed_file = pick_change(ws)
        scratch, noops, changes, alone, own = [], [], [], [], []
        for r in range(args.repeat):
            out = tmp / f"n{n}" / f"site-{r}"
            print(f"  {n} actions : construction complète {r + 1}/{args.repeat}…", flush=True)
            scratch.append(build(ws, out, jobs=args.jobs, force=True, cwd=work))
            noops.append(build(ws, out, jobs=args.jobs, force=False, cwd=work))
            if not args.skip_change:
                touch_content(changed_file)
                changes.append(build(ws, out, jobs=args.jobs, force=False, cwd=work))
                one = single_page(ws, changed_action, tmp / f"n{n}" / f"seule-{r}", work)
                if one is not None:
                    alone.append(one)
                many = pages_alone(ws, changes[-1].page_ids, tmp / f"n{n}" / f"seules-{r}", work)
                if many is not None:
                    own.append(many)
        b = median([x.seconds for x in scratch])
        d = median([x.seconds for x in changes])
        e = median([x.seconds for x in alone])
        f = median([x.seconds for x in own])
        points.append(
            {
                "actions": n,
                "pages": scratch[-1].built,
                "seconds": b,
                "per_action": b / n,
                "noop": median([x.seconds for x in noops]),
                "change": d,
                "change_pages": changes[-1].built if changes else None,
                "alone": e,
                "own_pages": f,
                "peak_mb": max(x.run.peak_mb for x in scratch + noops + changes),
                "pss_mb": max(x.run.pss_mb for x in scratch + noops + changes),
                "ok": all(x.run.ok for x in scratch + noops + changes + alone + own),
                "load": load(),
                "phases": {
                    "plan": scratch[-1].planned_at,
                    "pages_done": scratch[-1].pages_done_at,
                    "total": scratch[-1].seconds,
                },
                "timings": scratch[-1].timings,
            }
        )
        details.append(
            [f"  {n} actions, depuis zéro : {phases(scratch[-1])}", *page_breakdown(scratch[-1])]
            + (
                [f"  {n} actions, une action modifiée ({changed_action}) : {phases(changes[-1])}"]
                if changes
                else []
            )  # fmt: skip
        )
        print(f"    fait ({fr(b, 0)} s depuis zéro ; charge {points[-1]['load']})", flush=True)
    rows = [
        [str(p["actions"]), str(p["pages"] if p["pages"] is not None else "?"), fr(p["seconds"]),
         fr(p["per_action"], 2), fr(p["noop"], 2), fr(p["change"]),
         str(p["change_pages"] if p["change_pages"] is not None else "—"), fr(p["own_pages"]),
         ratio(p["change"], p["own_pages"]), fr(p["alone"]), ratio(p["change"], p["alone"]),
         fr(p["pss_mb"], 0), fr(p["peak_mb"], 0), "OK" if p["ok"] else "ÉCHEC",
         p["load"]]
        for p in points
    ]  # fmt: skip
    headers = ["Actions", "Pages", "Depuis zéro (s)", "s / action", "Sans changement (s)"]
    headers += ["Une modif. (s)", "Pages refaites", "Ces pages seules (s)", "Rapport"]
    headers += ["Page de l'action seule (s)", "Rapport"]
    headers += ["Mémoire max, PSS (Mo)", "Somme des RSS (Mo)", "Commandes"]
    headers += ["Charge (1, 5, 15 min)"]
    print()
    print(table(headers, rows))
    per = [p["per_action"] for p in points]
    spread = max(per) / min(per) if per and min(per) > 0 else None
    fit = None
    if len(points) >= 2:
        xs = [p["actions"] for p in points]
        ys = [p["seconds"] for p in points]
        mx, my = statistics.mean(xs), statistics.mean(ys)
        sxx = sum((x - mx) ** 2 for x in xs)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else 0.0
        fit = {"slope": slope, "intercept": my - slope * mx}
        print(
            f"Ajustement linéaire : {fr(fit['intercept'], 1)} s fixes + "
            f"{fr(fit['slope'], 2)} s par action supplémentaire"
        )
    print()
    print("Où passe le temps")
    for lines in details:
        print("\n".join(lines))
    big = points[-1]
    n = big["actions"]
    targets = [
        (f"{n} actions depuis zéro ≤ {fr(TARGET_SCRATCH / 60, 0)} min",
         fr(big["seconds"], 0) + " s", big["seconds"] <= TARGET_SCRATCH),
        (f"temps par action constant à {fr(TARGET_SPREAD, 1)} × près", f"{fr(spread, 2)} ×",
         None if spread is None or len(points) < 2 else spread <= TARGET_SPREAD),
        (f"sans changement à {n} actions ≤ {fr(TARGET_NOOP, 1)} s", fr(big["noop"], 2) + " s",
         big["noop"] <= TARGET_NOOP),
        (f"une action modifiée à {n} actions ≤ {fr(TARGET_CHANGE, 1)} × ses pages seules",
         ratio(big["change"], big["own_pages"]),
         None if not big["change"] or not big["own_pages"]
         else big["change"] <= TARGET_CHANGE * big["own_pages"]),
        (f"mémoire max (PSS) < {fr(TARGET_MEMORY_MB, 0)} Mo",
         fr(max(p["pss_mb"] for p in points), 0) + " Mo",
         max(p["pss_mb"] for p in points) < TARGET_MEMORY_MB),
        ("somme des RSS (pages partagées comptées par processus), pour mémoire",
         fr(max(p["peak_mb"] for p in points), 0) + " Mo", None),
    ]  # fmt: skip
    print()
    print(table(["Cible", "Mesure", "Verdict"], [[t, m, verdict(v)] for t, m, v in targets]))
    if n < 1000:
        print(f"(les cibles portent sur 1 000 actions ; la plus grande taille mesurée ici : {n})")
    return {
        "scaling": points,
        "spread": spread,
        "fit": fit,
        "targets": [{"cible": t, "mesure": m, "ok": v} for t, m, v in targets],
    }


def load() -> str:
    """The machine's load averages (1, 5, 15 min), as uptime prints them."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg()).replace(".", ",")
    except OSError:
        return "?"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmarks/build.py",
        description="Mesurer « vccap build » : base naïve (papermill + nbconvert en ligne de "
        "commande), construction complète, reconstruction sans changement, après une "
        "modification, mémoire maximale ; ou le passage à l'échelle (--scaling).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n")[1],
    )
    parser.add_argument(
        "workspace",
        nargs="?",
        default=str(EXAMPLE),
        metavar="ESPACE",
        help="espace de travail mesuré (par défaut : data/ ; il est copié, jamais modifié)",
    )
    parser.add_argument(
        "--synthetic", type=int, metavar="N", help="mesurer un espace synthétique de N actions"
    )
    parser.add_argument("--jobs", "-j", type=int, metavar="N", help="processus en parallèle")
    parser.add_argument(
        "--skip-naive", action="store_true", help="ne pas mesurer la base naïve (a)"
    )
    parser.add_argument("--repeat", type=int, default=1, metavar="K", help="répétitions (médiane)")
    parser.add_argument(
        "--scaling", metavar="N1,N2,...", help="passage à l'échelle sur des espaces synthétiques"
    )
    parser.add_argument(
        "--skip-change",
        action="store_true",
        help="avec --scaling : ne pas mesurer une action modifiée ni sa page seule",
    )
    parser.add_argument("--seed", type=int, default=2024, help="graine des espaces synthétiques")
    parser.add_argument("--json", type=Path, metavar="FICHIER", help="écrire les mesures en JSON")
    parser.add_argument(
        "--keep", action="store_true", help="garder le dossier temporaire (pour inspection)"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat doit valoir au moins 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    tmp = Path(tempfile.mkdtemp(prefix="vccap-bench-"))
    try:
        results = scaling(args, tmp) if args.scaling else single(args, tmp)
        if args.json:
            args.json.write_text(
                json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n",
                encoding="utf-8",
            )
    finally:
        if args.keep:
            print(f"Dossier temporaire gardé : {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
