"""Warm kernels: a notebook never sees the state another one left behind."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from conftest import ROOT, SALON_2016, SESSION_2016
from vccap import kernels

TEMPLATE = ROOT / "notebooks" / "action_report.ipynb"


@pytest.fixture(autouse=True)
def _fresh_kernels():
    kernels.shutdown_all()
    yield
    kernels.shutdown_all()


def _notebook(path, *sources):
    cells = [new_code_cell(s) for s in sources]
    cells[0].metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}  # fmt: skip
    nbformat.write(nb, path)
    return path


def _outputs(nb):
    """What a page shows: every output's data, in order (metadata and counters aside)."""
    return [
        {k: v for k, v in output.get("data", {}).items()} or output.get("text")
        for cell in nb.cells if cell.cell_type == "code"
        for output in cell.outputs
    ]  # fmt: skip


def test_state_left_by_one_notebook_is_gone_for_the_next(tmp_path):
    polluter = _notebook(
        tmp_path / "polluter.ipynb",
        "x = 0",
        "leak = 42\nimport os, warnings\nimport pandas as pd\nos.chdir('/')\n"
        "pd.set_option('display.max_rows', 3)\nwarnings.simplefilter('error')\n"
        "import sys, weakref\nclass Cycle: pass\nc = Cycle()\nc.me = c\n"
        "sys.vccap_probe = weakref.ref(c)",
    )
    checker = _notebook(
        tmp_path / "checker.ipynb",
        "x = 0",
        "import os, warnings\nimport pandas as pd\n"
        "assert 'leak' not in globals(), 'state leaked'\n"
        f"assert os.getcwd() == {str(tmp_path)!r}, os.getcwd()\n"
        "assert pd.get_option('display.max_rows') == 60\n"
        "assert not any(f[0] == 'error' for f in warnings.filters)\n"
        "import gc, sys\nassert gc.get_freeze_count() > 0  # the survivors are frozen\n"
        "assert sys.vccap_probe() is None, 'cyclic garbage of the last notebook was frozen'\n"
        "print(get_ipython().execution_count)",
    )
    kernels.execute(polluter, tmp_path / "p.ipynb", {"x": 1}, cwd=str(tmp_path))
    first = kernels._WARM["python3"].km.kernel_id
    nb = kernels.execute(checker, tmp_path / "c.ipynb", {"x": 2}, cwd=str(tmp_path))
    assert kernels._WARM["python3"].km.kernel_id == first, "the kernel was not reused"
    assert kernels._WARM["python3"].runs == 2
    # counters start again: the executed notebook looks like a fresh kernel's
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == [1, 2, 3]


def test_reports_from_a_warm_kernel_equal_reports_from_fresh_kernels(tmp_path):
    order = [SALON_2016, SESSION_2016, SALON_2016]
    warm = [
        kernels.execute(
            TEMPLATE, tmp_path / f"w{i}.ipynb", {"workspace": "data", "action_id": a}, cwd=str(ROOT)
        )  # fmt: skip
        for i, a in enumerate(order)
    ]
    fresh = {
        a: kernels.execute(
            TEMPLATE,
            tmp_path / f"f-{a}.ipynb",
            {"workspace": "data", "action_id": a},
            cwd=str(ROOT),
            warm=False,
        )  # fmt: skip
        for a in set(order)
    }
    for nb, action_id in zip(warm, order, strict=True):
        assert _outputs(nb) == _outputs(fresh[action_id]), action_id


def test_a_dead_kernel_is_replaced(tmp_path):
    nb = _notebook(tmp_path / "n.ipynb", "x = 0", "print(x)")
    kernels.execute(nb, tmp_path / "a.ipynb", {"x": 1}, cwd=str(tmp_path))
    from jupyter_core.utils import run_sync

    warm = kernels._WARM["python3"]
    run_sync(warm.km.shutdown_kernel)(now=True)
    out = kernels.execute(nb, tmp_path / "b.ipynb", {"x": 2}, cwd=str(tmp_path))
    assert out.cells[-1].outputs[0]["text"] == "2\n"


def test_vccap_spares_jsonschema_the_slow_iri_grammar():
    """Importing vccap first keeps jsonschema from compiling rfc3987_syntax's grammar (seconds
    in every worker and kernel); notebooks still validate."""
    import subprocess
    import sys

    code = (
        "import sys, vccap, nbformat\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\n"
        "nbformat.validate(nb)\n"
        "assert sys.modules.get('rfc3987_syntax') is None, sys.modules.get('rfc3987_syntax')\n"
        "assert 'lark' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_each_notebook_gets_a_new_client_without_the_slow_readiness_wait(tmp_path, monkeypatch):
    """jupyter_client's ``wait_for_ready`` listens 0.2 s for stray IOPub messages: a warm
    kernel pays it once, at start; later notebooks prove their client live by the reset's
    own messages. Outputs stay whole (a client whose IOPub channel was not connected would
    lose them), and no client stays open between notebooks."""
    from jupyter_client.asynchronous.client import AsyncKernelClient

    waits = []
    original = AsyncKernelClient.wait_for_ready

    async def counted(self, *args, **kwargs):
        waits.append(1)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(AsyncKernelClient, "wait_for_ready", counted)
    monkeypatch.setattr(AsyncKernelClient, "_async_wait_for_ready", counted)
    template = _notebook(
        tmp_path / "n.ipynb", "n = 0", "for i in range(3):\n    print(i + n)", "n * 10"
    )
    for n in range(4):
        nb = kernels.execute(template, tmp_path / f"out{n}.ipynb", {"n": n}, cwd=str(tmp_path))
        assert _outputs(nb) == [
            "".join(f"{i + n}\n" for i in range(3)),
            {"text/plain": str(n * 10)},
        ]
        assert kernels._WARM[kernels.KERNEL_NAME].kc is None
    assert len(waits) == 1


@pytest.mark.parametrize("warm", [True, False])
def test_a_folder_named_vccap_next_to_the_workspace_is_not_imported(tmp_path, warm):
    """Pages run in the workspace's parent folder; the kit's own clone is often there, as
    a folder named ``vccap``. The kernel imports the kit, not that folder (with an editable
    install, the folder came first and every page failed), warm or fresh."""
    import shutil

    (tmp_path / "vccap").mkdir()  # an empty folder is enough
    shutil.copytree(ROOT / "data", tmp_path / "ws", ignore=shutil.ignore_patterns(".vccap"))
    source = "import vccap, vccap.pages\nprint(vccap.__file__ is not None, vccap.pages.__name__)"
    nb = kernels.execute(
        _notebook(tmp_path / "t.ipynb", "workspace = 'x'", source),
        tmp_path / "out.ipynb", {"workspace": "ws"}, cwd=str(tmp_path), warm=warm,
    )  # fmt: skip
    assert _outputs(nb) == ["True vccap.pages\n"]
    report = kernels.execute(
        TEMPLATE, tmp_path / "report.ipynb", {"workspace": "ws", "action_id": SALON_2016},
        cwd=str(tmp_path), warm=warm,
    )  # fmt: skip
    assert any("Salon" in str(o) for o in _outputs(report))


def test_the_build_token_is_set_for_its_notebooks_only(tmp_path):
    """A warm kernel gets the build's snapshot token from the first notebook on (a fresh
    kernel too), and loses it for a notebook run without one."""
    import os

    from vccap.loading import SNAPSHOT_ENV

    probe = _notebook(
        tmp_path / "probe.ipynb", "x = 0",
        f"import os\nprint(repr(os.environ.get({SNAPSHOT_ENV!r})))",
    )  # fmt: skip
    seen = []
    for token in ("a1", "a1", "b2", ""):
        nb = kernels.execute(probe, tmp_path / "out.ipynb", {}, cwd=str(tmp_path),
                             snapshot=token)  # fmt: skip
        seen.append(nb.cells[-1].outputs[0]["text"].strip())
    assert seen == ["'a1'", "'a1'", "'b2'", "None"]
    assert SNAPSHOT_ENV not in os.environ  # only in the kernels


def test_a_reset_that_always_fails_does_not_loop_with_a_token(tmp_path, monkeypatch):
    """A kernel whose reset always fails is started again, once per notebook and once more
    to set the build's token: with a token, a reset that never succeeds does not restart
    kernels without end, and the notebooks still run (helper-19's find)."""
    monkeypatch.setattr(kernels, "RESET_CODE", "raise RuntimeError('reset')\n" + kernels.RESET_CODE)
    probe = _notebook(tmp_path / "probe.ipynb", "x = 0", "print(6 * 7)")
    kernels.STARTS.clear()
    for _ in range(2):
        nb = kernels.execute(probe, tmp_path / "out.ipynb", {}, cwd=str(tmp_path), snapshot="t")
        assert nb.cells[-1].outputs[0]["text"].strip() == "42"
    assert 2 <= len(kernels.STARTS) <= 4
