"""`vccap build --dask`: page jobs on a real Dask cluster (LocalCluster on the loopback)."""

from __future__ import annotations

import dataclasses
import json

import nbformat
import pytest

from conftest import ROOT, SALON_2016, SESSION_2016, tree_digest
from vccap.build.cluster import check_workers, connect, run_jobs_dask
from vccap.build.plan import plan
from vccap.cli import main
from vccap.errors import ClusterError
from vccap.loading import load_workspace
from vccap.messages import format_error

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as local:
        yield local.scheduler_address


@pytest.mark.slow
def test_the_site_built_on_dask_is_byte_identical_to_a_local_build(
    example_site, cluster, tmp_path, capsys
):
    copy = example_site.copy(tmp_path)  # same workspace, same key
    out = tmp_path / "site-dask"
    code = main(["build", str(copy.workspace), "-o", str(out), "--dask", cluster, "--force"])
    printed = capsys.readouterr()
    stdout = printed.out
    assert code == 0, stdout + printed.err
    assert f"sur la grappe Dask {cluster}" in stdout
    assert "✓ actions/" in stdout and "✓ territoires/" in stdout  # progress, page by page
    local, remote = tree_digest(example_site.out), tree_digest(out)
    assert sorted(remote) == sorted(local)
    different = [name for name in local if local[name] != remote[name]]
    # the data package says when its content was first written (``created``): only that
    assert different in ([], ["donnees/datapackage.json"]), different
    if different:
        mine, theirs = (
            json.loads((site / "donnees" / "datapackage.json").read_text(encoding="utf-8"))
            for site in (example_site.out, out)
        )
        assert mine.pop("created") != theirs.pop("created")
        assert mine == theirs
    assert len([n for n in local if n.endswith(".html")]) > 30


def test_a_failing_page_fails_alone_on_the_cluster(example_copy, cluster, tmp_path):
    own = example_copy / "carnets"
    own.mkdir()
    nb = nbformat.read(ROOT / "notebooks" / "action_report.ipynb", as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell(
        f'assert action_id != "{SESSION_2016}", "rapport cassé pour le test"'))  # fmt: skip
    nbformat.write(nb, own / "action_report.ipynb")
    ws = load_workspace(example_copy)
    jobs = {j.id: j for j in plan(ws)}
    todo = [jobs[f"actions/{SALON_2016}"], jobs[f"actions/{SESSION_2016}"]]
    assert all(j.own_template for j in todo)
    missing = str(own / "absent.ipynb")
    lost = dataclasses.replace(todo[0], id="actions/sans-carnet", template=missing)
    results = {}
    out, notebooks = tmp_path / "site", tmp_path / "carnets"

    def on_result(job, result):
        results[job.id] = result

    title = ws.demarche.nom
    run_jobs_dask(cluster, ws.root, [*todo, lost], out, title, on_result, notebooks, False)
    assert set(results) == {j.id for j in [*todo, lost]}
    assert results[f"actions/{SALON_2016}"].ok
    assert (out / "actions" / f"{SALON_2016}.html").exists()
    failed = results[f"actions/{SESSION_2016}"]
    assert not failed.ok and failed.error_name == "AssertionError"
    assert not (out / "actions" / f"{SESSION_2016}.html").exists()
    kept = notebooks / "actions" / f"{SESSION_2016}.ipynb"  # sent back by the worker
    assert "rapport cassé pour le test" in kept.read_text(encoding="utf-8")
    assert str(example_copy) not in kept.read_text(encoding="utf-8")
    assert not results["actions/sans-carnet"].ok
    assert not (out / "actions" / "sans-carnet.html").exists()


def test_workers_that_do_not_see_the_workspace_get_nothing(cluster, tmp_path):
    client = connect(cluster)
    try:
        with pytest.raises(ClusterError) as caught:
            check_workers(client, cluster, tmp_path / "ailleurs")
    finally:
        client.close()
    assert caught.value.reason == "espace_invisible" and len(caught.value.workers) == 2
    message = format_error(caught.value)
    assert "ne voit l'espace de travail" in message and "dossier partagé" in message


def test_an_unreachable_scheduler_is_said_in_french(example_copy, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("vccap.build.cluster.CONNECT_TIMEOUT", "1s")
    code = main(["build", str(example_copy), "-o", str(tmp_path / "site"),
                 "--dask", "tcp://127.0.0.1:9"])  # fmt: skip
    err = capsys.readouterr().err
    assert code != 0
    assert "Grappe Dask tcp://127.0.0.1:9 : aucun ordonnanceur ne répond" in err
    assert "Traceback" not in err
    assert not (tmp_path / "site").exists()  # nothing is published
