"""A build with nothing to do is told from file stats (`vccap.build.fresh`), without loading
the workspace or importing pandas; anything else goes the usual way, which compares content."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from conftest import PRO_2016, SALON_2016, SESSION_2016
from vccap.build import fresh
from vccap.build.state import state_dir
from vccap.cli import main

HEAVY = {"pandas", "numpy", "scipy", "plotly", "nbformat", "nbconvert", "papermill", "yaml"}
QUICK = "Rien n'a changé depuis la dernière construction complète"
USUAL = "Site publié dans"


def run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def journal(workspace: Path, out: Path) -> str:
    return (state_dir(workspace, out) / "journal.txt").read_text(encoding="utf-8")


def stats(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Inode, mtime and size of every file: equal only if nothing was written."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def rebuilt(stdout: str) -> set[str]:
    return set(re.findall(r"✓ (\S+) \(", stdout))


def without_seconds(stdout: str) -> str:
    return re.sub(r"en \d+,\d s", "en … s", stdout)


def test_an_unchanged_workspace_is_told_from_stats_and_nothing_is_written(
    example_site, tmp_path, capsys
):
    site = example_site.copy(tmp_path)
    ws, out = site.workspace, site.out
    # A copy has other paths, inodes and ctimes: the usual way, which finds nothing to do.
    code, usual, _ = run(capsys, "build", ws, "-o", out)
    assert code == 0 and "rien à reconstruire" in usual and USUAL in journal(ws, out)
    assert fresh.stamp_path(ws, out).exists()
    assert "Contrôle statistique :" in usual
    published, state = stats(out), (state_dir(ws, out) / "etat.json").stat()
    code, quick, _ = run(capsys, "build", ws, "-o", out)
    assert code == 0 and QUICK in journal(ws, out)
    # The same report (pages, disclosure control, audit), and not one file written (but the
    # log, and the stamp once the files written last have settled).
    assert without_seconds(quick) == without_seconds(usual)
    assert stats(out) == published
    again = (state_dir(ws, out) / "etat.json").stat()
    assert (again.st_ino, again.st_mtime_ns) == (state.st_ino, state.st_mtime_ns)
    # --force goes the usual way.
    code, forced, _ = run(capsys, "build", ws, "-o", out, "--force")
    assert code == 0 and QUICK not in journal(ws, out) and rebuilt(forced)


def imported(stderr: str) -> set[str]:
    """Top-level modules named by ``python -X importtime``."""
    return {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def test_a_no_op_build_and_the_help_import_no_heavy_library(example_site, tmp_path):
    site = example_site.copy(tmp_path)
    assert main(["build", str(site.workspace), "-o", str(site.out)]) == 0

    def vccap(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "vccap", *args],
            capture_output=True, text=True, cwd=tmp_path, timeout=300,
        )  # fmt: skip

    helped = vccap("--help")
    assert helped.returncode == 0 and "commandes" in helped.stdout
    assert "vccap" in imported(helped.stderr) and not HEAVY & imported(helped.stderr)
    noop = vccap("build", str(site.workspace), "-o", str(site.out))
    assert noop.returncode == 0 and "rien à reconstruire" in noop.stdout
    assert QUICK in journal(site.workspace, site.out)
    assert "vccap" in imported(noop.stderr) and not HEAVY & imported(noop.stderr)
    # the check can fail: a build that has something to do imports them
    os.utime(site.workspace / "actions" / SALON_2016 / "couts.csv")
    usual = vccap("build", str(site.workspace), "-o", str(site.out))
    assert usual.returncode == 0 and "rien à reconstruire" in usual.stdout
    assert {"pandas", "scipy"} <= imported(usual.stderr)


def test_a_new_mtime_rebuilds_nothing_a_deleted_page_and_a_changed_cell_rebuild_theirs(
    example_site, tmp_path, capsys
):
    site = example_site.copy(tmp_path)
    ws, out = site.workspace, site.out
    assert run(capsys, "build", ws, "-o", out)[0] == 0
    costs = ws / "actions" / SALON_2016 / "couts.csv"
    # Same bytes, a new mtime: the stats differ, the content does not.
    later = time.time_ns() + 5_000_000_000
    os.utime(costs, ns=(later, later))
    code, stdout, _ = run(capsys, "build", ws, "-o", out)
    assert code == 0 and "rien à reconstruire" in stdout and USUAL in journal(ws, out)
    code, stdout, _ = run(capsys, "build", ws, "-o", out)
    assert code == 0 and "rien à reconstruire" in stdout and QUICK in journal(ws, out)

    # A published page deleted by hand is built again, and only it.
    page = out / "actions" / f"{PRO_2016}.html"
    content = page.read_bytes()
    page.unlink()
    code, stdout, _ = run(capsys, "build", ws, "-o", out)
    assert code == 0 and rebuilt(stdout) == {f"actions/{PRO_2016}"}
    assert page.read_bytes() == content

    # One cell changed (same size): the pages that read it, not the others.
    data, before = costs.read_bytes(), (out / "actions" / f"{SALON_2016}.html").read_bytes()
    assert b";620,00;" in data
    costs.write_bytes(data.replace(b";620,00;", b";630,00;"))
    code, stdout, _ = run(capsys, "build", ws, "-o", out)
    assert code == 0
    pages = rebuilt(stdout)
    assert {f"actions/{SALON_2016}", "fiches/salon", "annees/2016"} <= pages
    assert not {f"actions/{SESSION_2016}", f"actions/{PRO_2016}"} & pages
    assert (out / "actions" / f"{SALON_2016}.html").read_bytes() != before


def test_a_build_that_failed_is_not_trusted(example_site, tmp_path, capsys):
    site = example_site.copy(tmp_path)
    ws, out = site.workspace, site.out
    contacts = ws / "actions" / SALON_2016 / "contacts.csv"
    contacts.write_bytes(contacts.read_bytes().replace(b"/06/2016", b"/13/2016", 1))
    code, _, err = run(capsys, "build", ws, "-o", out)
    assert code == 1 and "données invalides" in err
    assert not fresh.stamp_path(ws, out).exists()
    code, stdout, err = run(capsys, "build", ws, "-o", out)
    assert code == 1 and "données invalides" in err and "rien à reconstruire" in stdout
    assert QUICK not in journal(ws, out)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_file_rewritten_within_one_clock_tick_is_seen_by_its_content(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    page = folder / "page.html"
    page.write_text("avant", encoding="utf-8")
    recorded = fresh.snapshot(folder, ctime=False)
    assert recorded.recent == {"page.html": sha("avant")}  # just written: hashed too
    part = {"empreinte": recorded.digest, "recents": recorded.recent}
    now = fresh.snapshot(folder, ctime=False, hash_recent=False)
    assert fresh.same_files(part, now, folder) == {"page.html": sha("avant")}
    # Rewritten in place, same size, same mtime (as within one tick of the clock): the
    # stats cannot tell, the content can.
    st = page.stat()
    with open(page, "r+", encoding="utf-8") as handle:
        handle.write("apres")
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))
    now = fresh.snapshot(folder, ctime=False, hash_recent=False)
    assert now.digest == recorded.digest and fresh.same_files(part, now, folder) is None
    # Settled (changed long before the snapshot): known by its stats alone.
    old = time.time_ns() - 3600 * 10**9
    os.utime(page, ns=(old, old))
    settled = fresh.snapshot(folder, ctime=False)
    assert settled.recent == {} and settled.digest != recorded.digest
    part = {"empreinte": settled.digest, "recents": {"page.html": sha("apres")}}
    assert fresh.same_files(part, fresh.snapshot(folder, ctime=False), folder) == {}


def test_a_workspace_snapshot_sees_new_folders_links_and_the_key_but_not_build_states(
    tmp_path,
):
    ws = tmp_path / "data"
    (ws / "actions" / "a").mkdir(parents=True)
    (ws / "actions" / "a" / "action.yml").write_text("titre: A\n", encoding="utf-8")
    out = tmp_path / "site"
    first = fresh.workspace_snapshot(ws, out)
    (ws / "actions" / "b").mkdir()  # an empty folder is an action the build would flag
    second = fresh.workspace_snapshot(ws, out)
    assert "actions/b/" in second.entries and second.digest != first.digest
    (ws / ".cle_pseudonymisation").write_text("00" * 32, encoding="ascii")
    (ws / "actions" / "b" / "notes.md").symlink_to(ws / "actions" / "a" / "action.yml")
    third = fresh.workspace_snapshot(ws, out)
    assert {".cle_pseudonymisation", "actions/b/notes.md@", "actions/b/notes.md"} <= set(
        third.entries
    )
    # what builds write for themselves, and a site published inside the workspace, are not
    # the workspace
    (state_dir(ws, out) / "carnets").mkdir(parents=True)
    (state_dir(ws, out) / "journal.txt").write_text("…", encoding="utf-8")
    inner = ws / "site"
    (inner / "actions").mkdir(parents=True)
    (inner / "index.html").write_text("…", encoding="utf-8")
    fourth = fresh.workspace_snapshot(ws, inner)
    assert not [e for e in fourth.entries if e.startswith(("site", ".vccap/sites"))]
    assert ".vccap/" in fourth.entries
