"""What a warm kernel computes once for many pages (loaded actions, scrubber, pseudonymised
tables, network, journeys) is keyed by content: a changed file is never served stale, and a
page changing what it got never changes what the next page gets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import SESSION_2016
from vccap import journeys, network
from vccap.loading import WORKSPACES, load_workspace, scrubbed_workspace

PARTICIPANTS = Path("actions") / SESSION_2016 / "participants.csv"
ACTION_YML = Path("actions") / SESSION_2016 / "action.yml"


def _touch(path: Path) -> None:
    """Make sure the file's stats change even on a coarse clock."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    _touch(path)


def _loaded(folder: Path):
    ws = load_workspace(folder)
    ws.scrub_texts()
    return ws


@pytest.fixture(params=["load", "snapshot"])
def loader(request):
    """Both ways a page gets its workspace: loaded and scrubbed (with the memos of actions,
    tables and derived values), or the process's scrubbed snapshot, copied."""
    return _loaded if request.param == "load" else scrubbed_workspace


def test_a_changed_action_file_is_read_again_and_its_problems_come_back(example_copy, loader):
    first = loader(example_copy)
    again = loader(example_copy)
    assert again.actions[SESSION_2016] == first.actions[SESSION_2016]
    _edit(example_copy / ACTION_YML, "Session « Vivre", "Session modifiée « Vivre")
    changed = loader(example_copy)
    assert changed.actions[SESSION_2016].titre.startswith("Session modifiée")
    # a problem found while loading is recorded by every load, not only the first
    _edit(example_copy / ACTION_YML, "statut: realisee", "statut: finie")
    broken = [loader(example_copy) for _ in range(2)]
    codes = [[p.code for p in ws.problems_of(SESSION_2016)] for ws in broken]
    assert codes[0] and codes[0] == codes[1]


def test_a_changed_table_changes_the_scrubber_the_tables_and_the_network(example_copy, loader):
    before = loader(example_copy)
    assert not before.scrubber.find("Zéphyrine Quatremains")
    people = before.tables(SESSION_2016)["participants"]
    graph = network.build_network(before)
    _edit(
        example_copy / PARTICIPANTS,
        "Mathevon;Claire;c.mathevon@",
        "Quatremains;Zéphyrine;z.quatremains@",
    )
    after = loader(example_copy)
    assert after.content_digest != before.content_digest
    assert after.scrubber.find("Zéphyrine Quatremains")  # the new name is scrubbed
    new_people = after.tables(SESSION_2016)["participants"]
    assert set(new_people["personne"]) != set(people["personne"])
    assert network.build_network(before).nodes == graph.nodes  # the old one is unchanged


def test_what_a_page_changes_stays_in_its_copy(example_copy, loader):
    first = loader(example_copy)
    table = first.tables(SESSION_2016)["participants"]
    table["profil"] = "modifie"
    table.loc[:, "personne"] = "x"
    first.actions[SESSION_2016].territoires.append("ailleurs")
    graph = network.build_network(first)
    graph.add_node("territoire:ailleurs")
    events = journeys.events(first)
    events.attrs["actions_ignorees"].append("ailleurs")
    events["etape"] = "abandon"
    second = loader(example_copy)
    clean = second.tables(SESSION_2016)["participants"]
    assert "modifie" not in set(clean["profil"].dropna()) and "x" not in set(clean["personne"])
    assert "ailleurs" not in second.actions[SESSION_2016].territoires
    assert "territoire:ailleurs" not in network.build_network(second)
    fresh = journeys.events(second)
    assert "ailleurs" not in fresh.attrs["actions_ignorees"]
    assert set(fresh["etape"].dropna()) != {"abandon"}


def test_the_snapshot_follows_added_removed_and_root_files(example_copy):
    """The scrubbed snapshot is keyed by every file a load reads: the démarche's own files
    and each action folder's; an action added or removed, or a changed threshold, is a new
    snapshot, and what a page appends to its copy never reaches the next page."""
    import shutil

    first = scrubbed_workspace(example_copy)
    assert scrubbed_workspace(example_copy).content_digest == first.content_digest
    first.problems.append(first.problems[0] if first.problems else None)
    first.checked.clear()
    first.demarche.principes["x"] = "y"
    again = scrubbed_workspace(example_copy)
    assert None not in again.problems and "x" not in again.demarche.principes
    assert again.checked  # every action's tables were read for the snapshot
    copied = example_copy / "actions" / "2099-01-copie"
    shutil.copytree(example_copy / "actions" / SESSION_2016, copied)
    _edit(copied / "action.yml", f"id: {SESSION_2016}", "id: 2099-01-copie")
    added = scrubbed_workspace(example_copy)
    assert "2099-01-copie" in added.actions and "2099-01-copie" not in again.actions
    shutil.rmtree(copied)
    assert "2099-01-copie" not in scrubbed_workspace(example_copy).actions
    _edit(example_copy / "demarche.yml", "seuil_confidentialite: 3", "seuil_confidentialite: 5")
    assert scrubbed_workspace(example_copy).seuil == 5
    assert len(WORKSPACES.entries) <= WORKSPACES.size


def test_an_edit_keeping_the_size_and_the_old_modification_time_is_seen(example_copy, loader):
    """A file restored with its old modification time (``cp -p``, an archive) and the same
    size is read again: its change time tells."""
    from conftest import SALON_2016

    path = example_copy / "actions" / SALON_2016 / "couts.csv"
    before = loader(example_copy).tables(SALON_2016)["couts"]["montant"].sum()
    text = path.read_bytes()
    digits = next(d for d in (b"700", b"500", b"200", b"300", b"100") if d in text)
    st = path.stat()
    path.write_bytes(text.replace(digits, b"9" * len(digits), 1))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    after = loader(example_copy).tables(SALON_2016)["couts"]["montant"].sum()
    assert after > before


def test_within_a_build_the_snapshot_is_keyed_by_its_token(example_copy, monkeypatch):
    """In a page run by a build, the snapshot's key is the build's token: the workspace is
    read as it was when the build began, without listing every action folder again; a new
    token (the next build) or no token (JupyterLab) reads the files again."""
    from vccap.loading import SNAPSHOT_ENV

    monkeypatch.setenv(SNAPSHOT_ENV, "build-1")
    first = scrubbed_workspace(example_copy)
    _edit(example_copy / "demarche.yml", "seuil_confidentialite: 3", "seuil_confidentialite: 5")
    assert scrubbed_workspace(example_copy).seuil == first.seuil == 3  # the build's state
    monkeypatch.setenv(SNAPSHOT_ENV, "build-2")
    assert scrubbed_workspace(example_copy).seuil == 5
    _edit(example_copy / "demarche.yml", "seuil_confidentialite: 5", "seuil_confidentialite: 4")
    monkeypatch.delenv(SNAPSHOT_ENV)
    assert scrubbed_workspace(example_copy).seuil == 4


def _fresh_process() -> None:
    """What a new process of the build starts with: no table read, nothing derived."""
    from vccap.workspace import DERIVED, TABLES

    WORKSPACES.clear()
    TABLES.clear()
    DERIVED.clear()


def test_a_build_folder_of_reads_lets_other_processes_load_what_one_read(
    example_copy, tmp_path, monkeypatch
):
    """Within a build whose token is a folder, the first process to read a table writes it
    there and the others load it instead of reading the file: a kernel that cannot read
    files any more still gets every table, with the same content and problems."""
    import vccap.tables
    from vccap.loading import SNAPSHOT_ENV
    from vccap.workspace import TABLES

    reads = tmp_path / "lectures"
    reads.mkdir()
    monkeypatch.setenv(SNAPSHOT_ENV, str(reads))
    _fresh_process()
    first = scrubbed_workspace(example_copy)
    files = sum(len(a.files) for a in first.actions.values())
    assert len(list(reads.glob("*.pickle"))) == files > 10
    assert not list(reads.glob(".*"))  # no half-written file left
    tables = first.tables(SESSION_2016)

    _fresh_process()  # another process of the same build

    real = vccap.tables.read_table

    def no_reading(path, *args, **kwargs):
        if "actions" in Path(path).parts:  # the references are read by every process
            raise AssertionError(f"{path} read again from its file")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(vccap.tables, "read_table", no_reading)
    again = scrubbed_workspace(example_copy)
    assert set(again.tables(SESSION_2016)) == set(tables)
    for kind, df in tables.items():
        assert again.tables(SESSION_2016)[kind].equals(df)
    assert [p.code for p in again.problems] == [p.code for p in first.problems]
    assert len(TABLES.entries) == files


def test_a_changed_file_or_a_broken_stored_read_is_read_from_the_file(
    example_copy, tmp_path, monkeypatch
):
    """A file edited after another process stored it has another key: it is read again and
    the edit is seen. A stored read that cannot be loaded (half written, another version of
    the kit) costs a read, never an error."""
    from vccap.loading import SNAPSHOT_ENV

    reads = tmp_path / "lectures"
    reads.mkdir()
    monkeypatch.setenv(SNAPSHOT_ENV, str(reads))
    _fresh_process()
    before = len(scrubbed_workspace(example_copy).tables(SESSION_2016)["participants"])
    for path in reads.glob("*.pickle"):
        path.write_bytes(b"not a pickle")
    text = (example_copy / PARTICIPANTS).read_text(encoding="utf-8-sig")
    (example_copy / PARTICIPANTS).write_text(text.rstrip("\n").rsplit("\n", 1)[0] + "\n")
    _touch(example_copy / PARTICIPANTS)
    _fresh_process()
    monkeypatch.setenv(SNAPSHOT_ENV, str(reads))
    ws = scrubbed_workspace(example_copy)
    assert len(ws.tables(SESSION_2016)["participants"]) == before - 1
    assert all(ws.tables(a) for a, x in ws.actions.items() if x.files and ws.valid(a))


def test_without_a_folder_token_nothing_is_written(example_copy, tmp_path, monkeypatch):
    """A token that is no folder (a test's, a Dask worker's that cannot see the build's
    folder) and no token at all (JupyterLab) write nothing beside the workspace."""
    from vccap.loading import SNAPSHOT_ENV

    monkeypatch.setenv(SNAPSHOT_ENV, str(tmp_path / "absent"))
    _fresh_process()
    assert scrubbed_workspace(example_copy).tables(SESSION_2016)
    assert not (tmp_path / "absent").exists()
    assert not list(tmp_path.rglob("*.pickle"))


def test_a_build_process_lets_go_of_its_tables_and_gets_them_back_from_the_reads(
    example_copy, tmp_path, monkeypatch
):
    """Before forking the page workers the build forgets its tables; what it asks again
    (the control after the pages) comes back from the build's folder of reads, the same."""
    import vccap.tables
    from vccap.workspace import DERIVED, TABLES

    monkeypatch.setattr(TABLES, "store", tmp_path)
    _fresh_process()
    ws = _loaded(example_copy)
    before = {kind: df.copy() for kind, df in ws.tables(SESSION_2016).items()}
    problems = len(ws.problems)
    ws.forget_tables()
    assert not TABLES.entries and not DERIVED.entries

    def no_reading(path, *args, **kwargs):
        raise AssertionError(f"{path} read again from its file")

    monkeypatch.setattr(vccap.tables, "read_table", no_reading)
    again = ws.tables(SESSION_2016)
    assert set(again) == set(before)
    assert all(again[kind].equals(df) for kind, df in before.items())
    assert len(ws.problems) == problems  # not recorded twice
