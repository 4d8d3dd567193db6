"""Installed as another region would install it (a wheel), the kit builds the same site.

The wheel is built from the project with pip; it is installed with pip into a fresh
virtual environment whose dependencies come from the test environment (a ``.pth`` line and
``JUPYTER_PATH`` for their data files: no download, and the project's editable install is not
visible there). That kit then builds
the example workspace, and its pages are compared byte for byte with the pages built by the
project's own (editable) install.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", str(out), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (path,) = out.glob("vccap-*.whl")
    return path


@pytest.fixture(scope="module")
def installed(tmp_path_factory, wheel) -> Path:
    """A fresh virtual environment holding the wheel (its python)."""
    env = tmp_path_factory.mktemp("env") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    python = env / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
    )  # fmt: skip
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--target", str(site), str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    # dependencies from the test environment, without its .pth files (so not the editable kit)
    (site / "_deps_de_test.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def test_the_wheel_ships_templates_fragments_and_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for notebook in ROOT.joinpath("notebooks").glob("*.ipynb"):
        assert f"vccap/notebooks/{notebook.name}" in names
    expected = [
        "vccap/fragments/entete.html.j2",
        "vccap/templates/nbconvert/vccap/index.html.j2",
        "vccap/templates/site/vccap.css",
        "vccap/catalogue/types_action.yml",
        "vccap/schemas/contacts.json",
        "vccap/skeletons/action.yml",
        "vccap/pages/registry.py",
        "vccap/build/core.py",
        "vccap/site/render.py",
    ]
    assert [n for n in expected if n not in names] == []
    packages = {p.parent.relative_to(ROOT / "src").as_posix() for p in
                (ROOT / "src" / "vccap").rglob("__init__.py")}  # fmt: skip
    assert {f"{p}/__init__.py" for p in packages} <= names


def test_the_installed_kit_is_not_the_project(installed):
    where = subprocess.run(
        [str(installed), "-c", "import vccap, vccap.notebooks as n; print(vccap.__file__);"
         "print(list(n.__path__)[0])"],
        check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    assert all(str(ROOT) not in w for w in where), where


def test_the_installed_kit_builds_the_same_site(installed, tmp_path, example_site):
    site = tmp_path / "site"
    # the dependencies' data files (nbconvert's base templates) live with the test environment
    env = {**os.environ, "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter")}
    result = subprocess.run(
        [str(installed), "-m", "vccap", "build", str(example_site.workspace), "-o", str(site),
         "-j", "2"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    ours = sorted(p.relative_to(example_site.out) for p in example_site.out.rglob("*.html"))
    theirs = sorted(p.relative_to(site) for p in site.rglob("*.html"))
    assert len(ours) == 40 and theirs == ours  # 38 pages, the index, the accessibility page
    different = [
        str(p) for p in ours if (site / p).read_bytes() != (example_site.out / p).read_bytes()
    ]
    assert different == []
