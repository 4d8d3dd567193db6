"""The two declarations of dependencies agree, and the Makefile offers what the README says."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_names_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        declared |= {_name(r) for r in extra}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    # Wheels found only on PyPI (pypandoc-binary ships pandoc) sit in the pip section.
    for part in (d for d in env["dependencies"] if isinstance(d, dict)):
        conda |= {_name(r) for r in part.get("pip", []) if not r.startswith("-")}
    assert declared == conda, (
        f"seulement dans pyproject.toml : {sorted(declared - conda)} ; "
        f"seulement dans environment.yml : {sorted(conda - declared)}"
    )
    pip_part = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert pip_part and "-e ." in pip_part[0]["pip"], "environment.yml doit installer le paquet"


def test_makefile_has_the_documented_targets_and_help_is_default():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert ".DEFAULT_GOAL := help" in makefile
    for target in ("help", "reports", "test", "lint", "format", "lab", "clean"):
        assert re.search(rf"^{target}:.*## ", makefile, re.M), target


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in ci
    assert "make test" in readme and "make reports" in readme


def test_gitignore_covers_environment_outputs_and_keys():
    ignore = (ROOT / ".gitignore").read_text(encoding="utf-8")
    for pattern in (".venv/", "/reports/", ".cle_pseudonymisation"):
        assert pattern in ignore


def test_package_data_ships_catalogue():
    from importlib import resources

    catalogue = resources.files("vccap").joinpath("catalogue")
    assert catalogue.joinpath("types_action.yml").is_file()
    assert catalogue.joinpath("indicateurs.yml").is_file()
