"""The benchmark tools: a valid, deterministic synthetic workspace; the harness starts.

Fast checks only: nothing here times anything or runs a notebook (the disclosure
benchmark prepares a 4-action workspace's pages in process).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, tree_digest
from vccap.catalogue import default_types
from vccap.loading import load_workspace
from vccap.messages import format_problems
from vccap.model import DEBRIEF_HEADINGS

BENCHMARKS = ROOT / "benchmarks"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"vccap_bench_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


synthetic = _module("synthetic")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    return synthetic.make_workspace(tmp_path_factory.mktemp("synth") / "data", 12)


def test_synthetic_workspace_reads_without_problems(workspace):
    ws = load_workspace(workspace)
    ws.load_all_tables()
    assert not ws.problems, "\n".join(format_problems(ws.problems))
    assert len(ws.actions) == 12
    assert {a.statut for a in ws.actions.values()} == {"realisee"}
    assert len(ws.territoires) == 20 and len(ws.structures) == 30
    assert {t.milieu for t in ws.territoires.values()} == {"rural", "periurbain", "urbain"}


def test_synthetic_workspace_covers_every_type_and_its_tables(workspace):
    ws = load_workspace(workspace)
    types = default_types()
    assert {a.type for a in ws.actions.values()} == set(types)
    for action in ws.actions.values():
        assert set(types[action.type].tables) <= set(action.files), action.id
        debrief = ws.debrief(action.id)
        assert all(debrief.section(h) for h in DEBRIEF_HEADINGS), action.id
    ws.load_all_tables()
    sizes = [
        (kind, len(raw.df))
        for a in ws.actions.values()
        for kind, raw in ws.raw_tables(a.id).items()
    ]
    for kind, rows in sizes:
        low, high = {"contacts": (80, 200), "participants": (10, 40), "satisfaction": (5, 30),
                     "evenements": (4, 8), "couts": (3, 6)}.get(kind, (1, 10_000))  # fmt: skip
        assert low <= rows <= high, (kind, rows)


def test_synthetic_files_are_written_like_real_teams(workspace):
    files = [p for p in (workspace / "actions").rglob("*") if p.suffix in {".csv", ".xlsx"}]
    assert any(p.suffix == ".xlsx" for p in files)
    raw = [p.read_bytes() for p in files if p.suffix == ".csv"]
    assert any(b.startswith(b"\xef\xbb\xbf") for b in raw)  # UTF-8 with BOM
    cp1252 = [b for b in raw if b.count(b";") and b"\r\n" in b and not b.startswith(b"\xef")]
    assert any(_not_utf8(b) for b in cp1252)  # Windows-1252 with accents
    assert any(b",00" in b or b"/20" in b for b in cp1252)  # decimal commas or French dates


def _not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def test_synthetic_workspace_is_deterministic(tmp_path):
    first = tree_digest(synthetic.make_workspace(tmp_path / "a" / "data", 12))
    second = tree_digest(synthetic.make_workspace(tmp_path / "b" / "data", 12))
    other = tree_digest(synthetic.make_workspace(tmp_path / "c" / "data", 12, seed=7))
    assert first == second
    assert first != other


def test_no_family_name_in_published_text():
    assert synthetic.name_collisions() == []


def test_the_change_of_the_harness_is_one_more_valid_row(tmp_path):
    bench = _module("build")
    ws_dir = synthetic.make_workspace(tmp_path / "data", 9)
    action_id, path = bench.pick_change(ws_dir)
    kind = next(k for k, p in load_workspace(ws_dir).action(action_id).files.items() if p == path)
    before_bytes = path.read_bytes()
    before = load_workspace(ws_dir).tables(action_id)[kind]
    bench.touch_content(path)
    ws = load_workspace(ws_dir)
    ws.load_all_tables()
    assert not ws.problems
    assert path.read_bytes() != before_bytes
    after = ws.tables(action_id)[kind]
    assert len(after) == len(before) + 1
    pd.testing.assert_frame_equal(after.iloc[:-1], before)
    pd.testing.assert_series_equal(after.iloc[-1], before.iloc[-1], check_names=False)


def test_build_benchmark_help_runs():
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "build.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    for option in ("--synthetic", "--jobs", "--skip-naive", "--repeat", "--scaling"):
        assert option in done.stdout


def test_disclosure_benchmark_audits_a_small_synthetic_workspace():
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "disclosure.py"), "--synthetic", "4"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "synthétique, 4 actions" in done.stdout
    figures = dict(
        (line.split(":")[0].strip(), line.split(":")[1].strip())
        for line in done.stdout.splitlines()
        if line.startswith("    ") or line.startswith("  n") or line.startswith("  r")
    )
    assert int(figures["nombres publiés sur des personnes"]) > 0
    assert figures["retrouvables par l'attaquant (PL)"] == "0"


def test_the_reference_of_one_change_builds_exactly_the_pages_named(tmp_path):
    """(f) of the build benchmark: the pages a change rebuilt, alone, in a fresh process
    (the issue's reference for one change): those pages are written, and no other."""
    bench = _module("build")
    ws_dir = synthetic.make_workspace(tmp_path / "data", 4)
    ws = load_workspace(ws_dir)
    from vccap.build.plan import plan

    jobs = plan(ws)
    action = next(j for j in jobs if j.id.startswith("actions/"))
    review = next(j for j in jobs if j.id.startswith("annees/"))
    out = tmp_path / "seules"
    run = bench.pages_alone(ws_dir, [action.id, review.id], out, tmp_path)
    assert run is not None and run.built == 2 and len(run.page_seconds) == 2
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert written == sorted([action.page, review.page])
    text = "  [1/2] ✓ actions/2020-01-x (1,2 s)\n  [2/2] ✗ annees/2020 (0,5 s)\n"
    parsed = bench.parse_build(bench.Run(1.0, 0.0, 0, stdout=text))
    assert parsed.page_ids == ["actions/2020-01-x", "annees/2020"]


def test_the_memory_of_forked_workers_is_counted_once_in_pss(tmp_path):
    """The build's workers are forked and share their parent's pages: the benchmark's sum of
    PSS counts them once (about the parent's 200 MB, not three times), while the sum of RSS
    counts them in every process."""
    bench = _module("build")
    code = (
        "import os, time\n"
        "block = bytearray(200 * 2**20)\n"
        "for i in range(0, len(block), 4096): block[i] = 1\n"
        "kids = [os.fork() for _ in range(2)]\n"
        "if 0 in kids: time.sleep(1.5); os._exit(0)\n"
        "time.sleep(1.5)\n"
        "for k in kids: os.waitpid(k, 0)\n"
    )
    run = bench.measure([sys.executable, "-c", code], cwd=tmp_path)
    assert run.ok
    assert run.peak_mb > 500  # 3 x 200 MB in RSS
    assert 150 < run.pss_mb < 400  # once in PSS
