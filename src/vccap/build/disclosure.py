"""Step 3b of a build: disclosure control across the whole site.

Once the pages are built, their ledgers (what each publishes and hides, in their summaries)
go to the statistical audit (:mod:`vccap.disclosure.control`). When a hidden small cell can
be worked back from everything published, the build chooses complementary cells to hide
(kept in ``<workspace>/.vccap/masques.json``), publishes again the pages that showed them,
and audits again, until nothing is disclosed. A page's hash includes the masks that concern
it, so an incremental build re-publishes exactly the pages whose masks changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from vccap.build.plan import Job
from vccap.disclosure.control import AuditResult, audit, complementary, pages_to_rebuild
from vccap.disclosure.ledger import Ledger
from vccap.disclosure.masks import read_masks, write_masks
from vccap.disclosure.populations import Populations
from vccap.errors import DisclosureFailed
from vccap.workspace import Workspace

MAX_ROUNDS = 5


@dataclass
class Rounds:
    """Rounds of audit and secondary suppression over one workspace: what one round needs
    from the last (its audit, the figures it saw)."""

    ws: Workspace
    populations: Populations
    processes: int = 1
    last: AuditResult | None = None
    figures: dict[str, tuple] = field(default_factory=dict)

    def run(self, ledgers: dict[str, Ledger], masks: frozenset[str]) -> set[str]:
        """Audit ``ledgers`` under ``masks`` (the audit is then :attr:`last`); when a cell is
        disclosed, choose complementary cells and write the masks. Returns the masks added
        (none: nothing disclosed, or nothing more to hide; tell them apart by ``last``)."""
        result = audit(
            list(ledgers.values()), self.populations, self.ws.seuil, masks=masks,
            previous=self.last, jobs=self.processes,
        )  # fmt: skip
        self.last = result
        if not result.findings:
            return set()
        # figures published since the last round (a new « Autres » group) are tried first
        fresh = set(result.figures) - set(self.figures) if self.figures else set()
        self.figures = result.figures
        chosen = complementary(
            list(ledgers.values()), result.findings, self.ws.seuil, masks, fresh,
            self.populations, jobs=self.processes,
        )  # fmt: skip
        new = chosen - masks
        if new:
            write_masks(self.ws.root, chosen)
        return new

    def failed(self) -> DisclosureFailed:
        """The error for the cells the last audit still found disclosed."""
        assert self.last is not None
        return DisclosureFailed(
            [(f.page, f.figure.key(), f.low, f.high) for f in self.last.findings], self.ws.seuil
        )


def ledgers_of(summaries: dict[str, Any]) -> dict[str, Ledger]:
    """Every page's ledger, from the summaries the build keeps (page id -> ledger)."""
    out = {}
    for page, summary in sorted(summaries.items()):
        if isinstance(summary, dict) and isinstance(summary.get("registre"), dict):
            out[page] = Ledger.of(summary["registre"])
    return out


def _keys(summary: Any) -> set[str]:
    if not isinstance(summary, dict) or not isinstance(summary.get("registre"), dict):
        return set()
    ledger = Ledger.of(summary["registre"])
    applied = summary.get("masques_appliques")
    return (
        set(ledger.counts) | set(ledger.shares) | set(applied if isinstance(applied, list) else ())
    )


def with_masks(digest: str, masks: frozenset[str], summary: Any) -> str:
    """A page's hash (``digest``: what :func:`vccap.build.plan.plan` gives), with the build's
    masks on the figures its ``summary`` published or hid because of a mask. The build keeps
    the hash computed from the summary of the page it has just made, and the next build
    computes it from that same summary: unchanged masks give the same hash."""
    mine = sorted(masks & _keys(summary))
    if not mine:
        return digest
    return hashlib.sha256((digest + json.dumps(mine)).encode()).hexdigest()


def _fingerprint(ledgers: dict[str, Ledger], masks: frozenset[str]) -> str:
    payload = json.dumps(
        {"pages": {p: led.as_dict() for p, led in ledgers.items()}, "masques": sorted(masks)},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def control(
    ws: Workspace,
    summaries: dict[str, Any],
    jobs: dict[str, Job],
    rerun: Callable[[list[Job]], None],
    previous: dict[str, Any] | None,
    reporter: Callable[[str, dict[str, Any]], None],
    processes: int = 1,
) -> dict[str, Any]:
    """Audit the site's published numbers and hide more until nothing is disclosed.

    ``summaries`` is read again after each ``rerun`` (the build updates it). Returns the
    audit's figures (to keep in the build state); ``previous`` is what the last build kept:
    when the ledgers and masks are the same, it is reused (the audit is not run again).
    Raises :class:`~vccap.errors.DisclosureFailed` when hiding more cannot protect a cell.
    ``processes``: processes for the audit's questions.
    """
    rounds: Rounds | None = None
    for _round in range(MAX_ROUNDS):
        ledgers = ledgers_of(summaries)
        masks = read_masks(ws.root)
        fingerprint = _fingerprint(ledgers, masks)
        if previous and previous.get("empreinte") == fingerprint:
            return previous
        if rounds is None:
            rounds = Rounds(ws, Populations.of(ws), processes)
        new = rounds.run(ledgers, masks)
        if rounds.last is not None and not rounds.last.findings:
            return {**rounds.last.as_dict(), "empreinte": fingerprint}
        if not new:
            break
        pages = sorted(pages_to_rebuild(ledgers, new))
        reporter("masques", {"nouveaux": len(new), "pages": pages})
        rerun([jobs[p] for p in pages if p in jobs])
    assert rounds is not None
    raise rounds.failed()


def page_ledgers(ws: Workspace) -> dict[str, Ledger]:
    """Every page's ledger, computed in this process (each page prepared, not rendered)."""
    from vccap.pages.registry import kinds, page_class

    out = {}
    for page_kind in kinds():
        cls = page_class(page_kind.name)
        for key in page_kind.keys(ws):
            page = cls(ws, key)
            page.prepare()
            out[page_kind.page_id(key)] = page.publisher.ledger
    return out


def control_in_process(ws: Workspace) -> AuditResult:
    """The build's disclosure control, with pages prepared in this process (no notebook):
    rounds of audit and secondary suppression until nothing is disclosed; returns the last
    audit. Raises :class:`~vccap.errors.DisclosureFailed` as the build does."""
    rounds = Rounds(ws, Populations.of(ws))
    for _round in range(MAX_ROUNDS):
        new = rounds.run(page_ledgers(ws), read_masks(ws.root))
        assert rounds.last is not None
        if not rounds.last.findings:
            return rounds.last
        if not new:
            break
    raise rounds.failed()


#: From this many pages to (re)build, the masks are decided before the pages run
#: (:func:`control_before_pages`); below, the pages run first and the control after them
#: publishes again the few pages it masks (preparing pages costs more than it saves).
BEFORE_PAGES_FROM = 40
_PREPARE: Workspace | None = None


def _prepare_part(items: list[tuple[str, str]]) -> dict[str, dict[str, Any] | None]:
    """Worker: prepare each (page kind, key) in the workspace the parent set before forking;
    the summary's ledger part of each page (None when the page cannot be prepared: its
    notebook will say why)."""
    from vccap.pages.registry import page_class

    assert _PREPARE is not None
    out: dict[str, dict[str, Any] | None] = {}
    for kind, key in items:
        page_id = f"{kind}/{key}"
        try:
            page = page_class(kind)(_PREPARE, key)
            page.prepare()
            out[page_id] = json.loads(
                json.dumps(
                    {
                        "registre": page.publisher.ledger.as_dict(),
                        "masques_appliques": sorted(page.publisher.applied),
                    }
                )
            )
        except Exception:  # noqa: BLE001 - the page's own notebook reports its failure
            out[page_id] = None
    return out


def prepared_summaries(
    ws: Workspace, jobs: list[Job], processes: int = 1
) -> dict[str, dict[str, Any] | None]:
    """What each page of ``jobs`` would publish (its ledger and the masks it applies), from
    the page prepared in this process or in ``processes`` forked workers, without running
    its notebook (page id -> summary part, None when the page cannot be prepared)."""
    from vccap.forking import can_fork, forked_pool

    global _PREPARE
    items = [(job.kind, job.id.split("/", 1)[1]) for job in jobs]
    if processes <= 1 or len(items) < 8 or not can_fork():
        _PREPARE = ws
        try:
            return _prepare_part(items)
        finally:
            _PREPARE = None
    parts = [items[i::processes] for i in range(processes)]
    _PREPARE = ws
    try:
        with forked_pool(processes) as pool:
            done = list(pool.map(_prepare_part, parts))
    finally:
        _PREPARE = None
    out: dict[str, dict[str, Any] | None] = {}
    for part in done:
        out.update(part)
    return out


def control_before_pages(
    ws: Workspace,
    jobs: dict[str, Job],
    todo: set[str],
    summaries: dict[str, Any],
    reporter: Callable[[str, dict[str, Any]], None],
    processes: int = 1,
) -> dict[str, Any] | None:
    """Decide the masks before the pages run, so that each page is published once.

    The pages to build (``todo``, page ids) are prepared without their notebook
    (:func:`prepared_summaries`); the other pages publish what their ``summaries`` say. The
    audit and secondary suppression run on these ledgers until nothing is disclosed, as
    :func:`control` does after the pages (masks written to the workspace, pages prepared
    again when a new mask concerns them). Returns the audit's figures with the fingerprint
    of the ledgers it passed, to give :func:`control` as ``previous``: when the notebooks
    publish exactly these ledgers, the control after the pages has nothing to do. Returns
    None when a round could hide nothing more (the control after the pages then reports
    what is still disclosed).
    """
    import time

    start = time.perf_counter()
    # first in this process: every action's tables, journeys and scrubber, which the forked
    # workers preparing the pages then inherit instead of each computing them again
    rounds = Rounds(ws, Populations.of(ws), processes)
    prepared = prepared_summaries(ws, [jobs[p] for p in sorted(todo) if p in jobs], processes)
    added = 0
    for _round in range(MAX_ROUNDS):
        current = {p: s for p, s in summaries.items() if p in jobs and p not in prepared}
        current.update({p: s for p, s in prepared.items() if s is not None})
        ledgers = ledgers_of(current)
        masks = read_masks(ws.root)
        new = rounds.run(ledgers, masks)
        assert rounds.last is not None
        if not rounds.last.findings:
            reporter(
                "controle_avant",
                {"pages": len(prepared), "nouveaux": added,
                 "secondes": time.perf_counter() - start},
            )  # fmt: skip
            return {**rounds.last.as_dict(), "empreinte": _fingerprint(ledgers, masks)}
        if not new:
            return None
        added += len(new)
        again = [jobs[p] for p in sorted(pages_to_rebuild(ledgers, new)) if p in jobs]
        prepared.update(prepared_summaries(ws, again, processes))
    return None
