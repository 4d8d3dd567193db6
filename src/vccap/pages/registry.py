"""The registry of page kinds: what pages a site has, and what each of them reads.

A page kind (action reports, method sheets, yearly reviews, territory pages…) is declared
once, by the module that draws it, as a module-level ``KIND = PageKind(...)``; every module of
the :mod:`vccap.pages` package that has one is found by :func:`kinds`. The build loops over
the kinds and knows nothing about any of them; links between pages come from here too
(:func:`href`).

Adding a page kind is one module (its ``KIND`` and its page class), one notebook template
(``notebooks/<notebook>``) and its fragments (``fragments/*.html.j2``).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from vccap.errors import UnknownPage

if TYPE_CHECKING:
    from vccap.workspace import Workspace

#: Mimetype of the machine-readable summary a notebook emits for the site index.
SUMMARY_MIME = "application/vnd.vccap.summary+json"
#: Tables that hold people (journeys follow them across every action).
PEOPLE_TABLES = ("participants", "contacts", "suivi")


@dataclass(frozen=True)
class Reads:
    """What one page reads of the workspace, for its cache hash.

    ``actions``: the actions whose folder the page reads (``action.yml`` always; the raw
    tables of the kinds in ``tables``, or every file of the folder when ``tables`` is None).
    ``people``: the page also reads the people tables of every action (journeys).
    """

    actions: tuple[str, ...] = ()
    tables: frozenset[str] | None = None
    people: bool = False


@dataclass(frozen=True)
class PlanFacts:
    """What the build knows of the raw tables when it plans (from its scan).

    ``territories``: action id -> territory ids mentioned inside its tables.
    """

    territories: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class PageKind:
    """A kind of page.

    ``name`` is also the page's folder in the site (``actions/<key>.html``); ``notebook`` is
    the template's file name; ``parameter`` the notebook parameter that receives the key.
    The callables take the loaded workspace: ``keys`` lists the pages that exist (in site
    order), ``title`` and ``breadcrumb`` describe one page (breadcrumb links relative to the
    site root), ``fictitious`` says whether it shows invented example data, ``reads`` what it
    reads (see :class:`Reads`), ``notebook_for`` the template file name of one page when a
    page may have its own (an action type with its own report).
    """

    name: str
    notebook: str
    parameter: str
    label: str
    order: int
    keys: Callable[[Workspace], list[str]]
    title: Callable[[Workspace, str], str]
    breadcrumb: Callable[[Workspace, str], list[tuple[str, str | None]]]
    fictitious: Callable[[Workspace, str, Reads], bool]
    reads: Callable[[Workspace, str, PlanFacts], Reads]
    notebook_for: Callable[[Workspace, str], str] | None = None
    validate: Callable[[Workspace, str], None] | None = None
    index_intro: str = ""

    @property
    def folder(self) -> str:
        return self.name

    def page_id(self, key: str) -> str:
        """``actions/2016-06-salon``: the page's path in the site, without suffix."""
        return f"{self.name}/{key}"

    def template_name(self, ws: Workspace, key: str) -> str:
        return self.notebook_for(ws, key) if self.notebook_for else self.notebook

    def check(self, ws: Workspace, key: str) -> str:
        """``key`` as a page of this kind, or :class:`~vccap.errors.UnknownPage`."""
        text = str(key).strip()
        if self.validate is not None:  # the kind's own judge (it may accept more keys)
            self.validate(ws, text)
            return text
        valid = self.keys(ws)
        if text not in valid:
            raise UnknownPage(self.name, text, [str(k) for k in valid])
        return text


_KINDS: dict[str, PageKind] = {}
_MODULES: dict[str, str] = {}  # kind name -> module declaring it


def register(kind: PageKind, module: str = "") -> PageKind:
    """Add a page kind (the built-in ones are found by :func:`kinds`)."""
    _KINDS[kind.name] = kind
    if module:
        _MODULES[kind.name] = module
    return kind


def _discover() -> None:
    import vccap.pages as package

    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        kind = getattr(module, "KIND", None)
        if isinstance(kind, PageKind) and kind.name not in _KINDS:
            register(kind, module.__name__)


def kinds() -> list[PageKind]:
    """Every page kind, in site order."""
    _discover()
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.name))


def kind(name: str) -> PageKind:
    """One page kind by name (``actions``, ``fiches``, ``annees``, ``territoires``)."""
    if name not in _KINDS:
        _discover()
    return _KINDS[name]


def page_class(name: str) -> type:
    """The page class of a kind (the class of its module whose ``KIND`` it is)."""
    kind(name)
    module = importlib.import_module(_MODULES[name])
    for value in vars(module).values():
        if isinstance(value, type) and getattr(value, "KIND", None) is _KINDS[name]:
            if hasattr(value, "prepare"):
                return value
    raise LookupError(name)


def href(from_page: str, to_kind: str, key: str, anchor: str = "") -> str:
    """Relative link from the page ``from_page`` (``annees/2017``, ``index``) to a page."""
    depth = len(PurePosixPath(from_page).parts) - 1
    target = f"{'../' * depth}{kind(to_kind).page_id(key)}.html"
    return target + (f"#{anchor}" if anchor else "")


def existing(ws: Workspace, name: str) -> set[str]:
    """Keys of the pages of kind ``name`` that the site has."""
    return set(kind(name).keys(ws))
