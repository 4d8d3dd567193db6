"""Step 2 of a build: one job per page, with the hash of everything that determines it.

The pages come from the registry of page kinds (:mod:`vccap.pages.registry`): the plan loops
over the kinds and knows nothing about any of them. A page's hash covers the kit's code and
version, its notebook template (the kit's, or the workspace's own in ``carnets/``), the
workspace's fragments (``gabarits/``), its parameters, the workspace-wide files, the files of
the actions it reads (raw tables by their content) and, for pages that follow people across
actions, the people tables of every action.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from vccap import overrides
from vccap.build.scan import FileScan
from vccap.build.state import kit_digest, sha256_bytes
from vccap.pages.registry import PEOPLE_TABLES, PlanFacts, kind, kinds
from vccap.workspace import Workspace

WORKSPACE_FILES = ("demarche.yml", "territoires.csv", "structures.csv", "types_action.yml")


@dataclass
class Job:
    """One page to build."""

    id: str  # "actions/<action-id>": the page's path without suffix
    kind: str
    template: str  # absolute path of the notebook template
    parameters: dict[str, Any]
    cwd: str
    title: str
    breadcrumb: list[tuple[str, str | None]]
    fictitious: bool
    digest: str = ""
    own_template: bool = False  # the workspace's own notebook (carnets/)
    #: The build's token for the kernels' workspace snapshot (see vccap.kernels.execute);
    #: not part of the page's hash.
    snapshot: str = ""

    @property
    def page(self) -> str:
        return self.id + ".html"

    @property
    def notebook(self) -> str:
        return self.id + ".ipynb"

    @property
    def root(self) -> str:
        return "../" * self.id.count("/")


class ActionDigests:
    """Hash of each action's files, computed once per plan (pages share actions)."""

    def __init__(self, ws: Workspace, scans: dict[str, FileScan]) -> None:
        self.ws = ws
        self.scans = scans
        self.memo: dict[tuple[str, frozenset[str] | None], str] = {}

    def of(self, action_id: str, kinds: frozenset[str] | None) -> str:
        key = (action_id, kinds)
        if key not in self.memo:
            self.memo[key] = self._compute(action_id, kinds)
        return self.memo[key]

    def _compute(self, action_id: str, kinds: frozenset[str] | None) -> str:
        ws, scans = self.ws, self.scans
        action = ws.actions[action_id]
        valid = not ws.problems_of(action_id)
        digest = hashlib.sha256(action_id.encode() + (b"\0ok\0" if valid else b"\0ko\0"))
        if action.folder is None:
            return digest.hexdigest()
        table_paths = {p: k for k, p in action.files.items()}
        for path in sorted(action.folder.iterdir()):
            if not path.is_file() or path.name.startswith((".", "~$")):
                continue
            if kinds is not None and path.name != "action.yml":
                if table_paths.get(path) not in kinds:
                    continue
            rel = path.relative_to(ws.root).as_posix()
            digest.update(rel.encode() + b"\0")
            if rel in scans:
                digest.update(scans[rel].content.encode())
            else:
                digest.update(sha256_bytes(path.read_bytes()).encode())
        return digest.hexdigest()

    def files(self, action_ids: Iterable[str], tables: Iterable[str] | None = None) -> str:
        """Hash of the action folders' files (tables by their content, others by bytes).

        ``tables`` limits the raw tables taken into account to those kinds (action.yml
        always counts). Whether each action is valid counts too: pages skip invalid actions.
        """
        kinds = frozenset(tables) if tables is not None else None
        digest = hashlib.sha256()
        for action_id in sorted(set(action_ids)):
            digest.update(self.of(action_id, kinds).encode())
        return digest.hexdigest()


def plan_facts(ws: Workspace, scans: dict[str, FileScan]) -> PlanFacts:
    """What the scan tells the page kinds (territories named inside each action's tables)."""
    territories: dict[str, frozenset[str]] = {}
    for action in ws.actions.values():
        found: set[str] = set()
        for path in action.files.values():
            item = scans.get(path.relative_to(ws.root).as_posix())
            if item is not None:
                found.update(item.territories)
        territories[action.id] = frozenset(found)
    return PlanFacts(territories=territories)


def _people_digest(ws: Workspace, scans: dict[str, FileScan]) -> str:
    people = hashlib.sha256()
    for action in ws.actions.values():
        for table in PEOPLE_TABLES:
            path = action.files.get(table)
            if path is not None:
                item = scans.get(path.relative_to(ws.root).as_posix())
                people.update(path.name.encode() + (item.content if item else "").encode())
    return people.hexdigest()


def common_digest(ws: Workspace, kit: str, personal: str) -> hashlib._Hash:
    """What every page depends on: the kit, the workspace-wide files, its own fragments."""
    common = hashlib.sha256(kit.encode())
    for name in WORKSPACE_FILES:
        path = ws.root / name
        if path.exists():
            common.update(name.encode() + b"\0" + sha256_bytes(path.read_bytes()).encode())
    for path in overrides.fragment_files(ws.root):
        common.update(path.name.encode() + b"\0" + sha256_bytes(path.read_bytes()).encode())
    common.update(personal.encode())
    return common


def make_job(ws: Workspace, kind_name: str, key: str, *, digest: str = "") -> Job:
    """The job of one page (its template: the workspace's own, or the kit's)."""
    page_kind = kind(kind_name)
    template, own = overrides.notebook(ws.root, page_kind.template_name(ws, key))
    return Job(
        id=page_kind.page_id(key),
        kind=page_kind.name,
        template=str(template),
        parameters={"workspace": ws.root.name, page_kind.parameter: key},
        cwd=str(ws.root.parent),
        title=page_kind.title(ws, key),
        breadcrumb=page_kind.breadcrumb(ws, key),
        fictitious=page_kind.fictitious(ws, key, page_kind.reads(ws, key, PlanFacts())),
        digest=digest,
        own_template=own,
    )


def plan(
    ws: Workspace,
    scans: dict[str, FileScan] | None = None,
    *,
    kit: str | None = None,
    personal: str = "",
) -> list[Job]:
    """Every page of the site, with the hash of everything that determines it.

    Raises :class:`~vccap.errors.TemplateNotFound` when a page's notebook template is
    found neither in the workspace's ``carnets/`` nor in the kit.
    """
    scans = scans or {}
    common = common_digest(ws, kit or kit_digest(), personal)
    facts = plan_facts(ws, scans)
    people = _people_digest(ws, scans)
    digests = ActionDigests(ws, scans)
    jobs: list[Job] = []
    for page_kind in kinds():
        for key in page_kind.keys(ws):
            template, own = overrides.notebook(ws.root, page_kind.template_name(ws, key))
            reads = page_kind.reads(ws, key, facts)
            params = {"workspace": ws.root.name, page_kind.parameter: key}
            digest = common.copy()
            digest.update(sha256_bytes(template.read_bytes()).encode())
            digest.update(json.dumps(params, sort_keys=True).encode())
            digest.update(digests.files(reads.actions, reads.tables).encode())
            if reads.people:
                digest.update(people.encode())
            jobs.append(
                Job(
                    id=page_kind.page_id(key),
                    kind=page_kind.name,
                    template=str(template),
                    parameters=params,
                    cwd=str(ws.root.parent),
                    title=page_kind.title(ws, key),
                    breadcrumb=page_kind.breadcrumb(ws, key),
                    fictitious=page_kind.fictitious(ws, key, reads),
                    digest=digest.hexdigest(),
                    own_template=own,
                )
            )
    return jobs
