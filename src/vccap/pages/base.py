"""The base of every page: load once, compute the state, then pure sections.

A page (an action report, a method sheet, a yearly review, a territory page…) is loaded by
its notebook with ``Page.load(workspace, key)``. Loading checks the notebook's parameters
(a misspelt ``-p action_idd`` stops the notebook with a French message), finds the workspace,
checks that the page exists (:class:`~vccap.pages.registry.PageKind`) and calls
:meth:`Page.prepare`, which computes **everything the sections need, including what is
masked**. Sections are then pure functions of that state: running one twice, or in another
order, gives the same output — what a Jupyter user does when re-running cells.

Every page also gets the shared blocks (:class:`~vccap.pages.blocks.Blocks`), the workspace's
fragments (its ``gabarits/`` first), links to other pages (:meth:`Page.link`, from the
registry) and the machine-readable summary that feeds the site index (:meth:`resume_site`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar, Self

from vccap.disclosure.masks import read_masks
from vccap.disclosure.policy import Publisher
from vccap.errors import NotebookStopped, UnknownParameter, VccapError
from vccap.loading import scrubbed_workspace
from vccap.messages import format_error, reader_warning
from vccap.model import Action
from vccap.pages.blocks import Blocks
from vccap.pages.display import Bundle, Fragments, Html, esc, fragments, plural, resolve_workspace
from vccap.pages.registry import SUMMARY_MIME, PageKind, href, kind
from vccap.workspace import Workspace

#: Names every page notebook takes besides its kind's own parameter.
COMMON_PARAMETERS = ("workspace",)
#: The first line papermill writes in the cell of parameters it injects (Python kernels).
INJECTED_MARK = "# Parameters"


def _assigned(source: str) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


def injected_parameters() -> tuple[list[str], list[str]] | None:
    """``(injected, declared)`` names when running under papermill, else None.

    papermill injects its parameters as a cell of assignments right after the template's
    ``parameters`` cell, and injects unknown names silently; the kernel's input history holds
    both cells, which is how a page knows a misspelt parameter.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return None
    shell = get_ipython()
    if shell is None:
        return None
    history = [s for s in shell.user_ns.get("In", []) if isinstance(s, str)]
    for index in range(len(history) - 1, -1, -1):
        if history[index].lstrip().startswith(INJECTED_MARK):
            declared = _assigned(history[index - 1]) if index > 0 else []
            return _assigned(history[index]), declared
    return None


def use_plotly_mimetype() -> None:
    """Make a notebook user's own plotly figures come out as the pages draw them (plotly JSON,
    drawn offline from the site's plotly.js), not as HTML pulling plotly.js from the web."""
    import plotly.io as pio

    if pio.renderers.default != "plotly_mimetype":
        pio.renderers.default = "plotly_mimetype"


def check_parameters(page_kind: PageKind) -> None:
    """Stop with :class:`UnknownParameter` when papermill was given a name the notebook lacks."""
    found = injected_parameters()
    if found is None:
        return
    injected, declared = found
    valid = list(dict.fromkeys([*COMMON_PARAMETERS, page_kind.parameter, *declared]))
    unknown = [n for n in injected if n not in valid]
    if unknown:
        raise UnknownParameter(page_kind.notebook, unknown, valid)


class Page(Blocks):
    """A page of the site. Subclasses set ``KIND`` and implement :meth:`prepare`."""

    KIND: ClassVar[PageKind]

    def __init__(self, ws: Workspace, key: str) -> None:
        self.ws = ws
        self.key = key
        self.fragments: Fragments = fragments(ws.root)
        self._pages: dict[str, set[str]] = {}
        #: The one path of the page's numbers about people (disclosure control).
        self.publisher = Publisher(self.KIND.page_id(key), ws.seuil, read_masks(ws.root))

    @classmethod
    def load(cls, workspace: str | Path, key: Any) -> Self:
        """The page of ``key`` in ``workspace`` (a folder, found from the project root or
        from ``notebooks/``), with its state computed.

        Raises :class:`~vccap.errors.NotebookStopped` with a French message when a parameter
        is unknown, the workspace cannot be found, or the page does not exist.
        """
        use_plotly_mimetype()
        try:
            check_parameters(cls.KIND)
            # scrubbed: no personal value of the lists in any free text of a page
            ws = scrubbed_workspace(resolve_workspace(workspace))
            page = cls(ws, cls.KIND.check(ws, str(key)))
            page.prepare()
        except NotebookStopped:
            raise
        except VccapError as exc:
            raise NotebookStopped(format_error(exc), type(exc).__name__) from None
        return page

    def prepare(self) -> None:
        """Compute the page's state (every section reads it, none changes it)."""

    # -- what every page knows ----------------------------------------------------------

    @property
    def seuil(self) -> int:
        """The workspace's confidentiality threshold (smallest count published)."""
        return self.ws.seuil

    @property
    def page_id(self) -> str:
        return self.KIND.page_id(self.key)

    @property
    def fictive(self) -> bool:
        """True when the page shows invented example data."""
        return False

    def link(self, kind_name: str, key: Any, anchor: str = "") -> str | None:
        """Relative link to another page of the site, or None when that page does not exist."""
        if kind_name not in self._pages:  # a memo: which pages exist does not change
            self._pages[kind_name] = {str(k) for k in kind(kind_name).keys(self.ws)}
        if str(key) not in self._pages[kind_name]:
            return None
        return href(self.page_id, kind_name, str(key), anchor)

    def missing_actions(self) -> list[Action]:
        """Realised actions this page should count but cannot (their data has errors)."""
        return []

    def absent_alert(self) -> Html | None:
        """A visible alert naming the actions missing from this page's figures."""
        missing = self.missing_actions()
        if not missing:
            return None
        names = ", ".join(a.titre for a in missing)
        return Html(
            '<p class="vc-alerte" role="note">Les chiffres de cette page ne comptent pas '
            f"{esc(plural(len(missing), 'action réalisée', 'actions réalisées'))} dont les "
            f"données sont à corriger : {esc(names)}.</p>"
        )

    def reading_warnings(self, actions: Iterable[Action], *, named: bool = False) -> list[str]:
        """What reading the actions' files left aside or flagged, in plain French (for the
        method note): a total line left out, hidden rows, a repeated form…"""
        out = []
        for action in actions:
            for w in self.ws.warnings_of(action.id):
                text = reader_warning(w)
                out.append(f"{action.titre} — {text}" if named else text)
        return list(dict.fromkeys(out))

    def summary(self) -> dict[str, Any]:
        """What the site index shows of the page (``detail``: one line of French)."""
        return {}

    def resume_site(self) -> Bundle:
        """The page's summary for the site index (a hidden cell at the end of the notebook)."""
        payload = {
            **self.summary(),
            "registre": self.publisher.ledger.as_dict(),
            "masques_appliques": sorted(self.publisher.applied),
        }
        return Bundle({SUMMARY_MIME: payload, "text/plain": str(payload.get("detail", ""))})
