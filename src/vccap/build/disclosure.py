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
from typing import Any

from vccap.build.plan import Job
from vccap.disclosure.control import AuditResult, audit, complementary, pages_to_rebuild
from vccap.disclosure.ledger import Ledger
from vccap.disclosure.masks import read_masks, write_masks
from vccap.disclosure.populations import Populations
from vccap.errors import DisclosureFailed
from vccap.workspace import Workspace

MAX_ROUNDS = 5


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
    populations: Populations | None = None
    last: AuditResult | None = None
    previous_figures: dict[str, tuple] = {}
    for _round in range(MAX_ROUNDS):
        ledgers = ledgers_of(summaries)
        masks = read_masks(ws.root)
        fingerprint = _fingerprint(ledgers, masks)
        if previous and previous.get("empreinte") == fingerprint:
            return previous
        if populations is None:
            populations = Populations.of(ws)
        result = audit(
            list(ledgers.values()),
            populations,
            ws.seuil,
            masks=masks,
            previous=last,
            jobs=processes,
        )
        last = result
        if not result.findings:
            return {**result.as_dict(), "empreinte": fingerprint}
        fresh = set(result.figures) - set(previous_figures) if previous_figures else set()
        previous_figures = result.figures
        chosen = complementary(
            list(ledgers.values()), result.findings, ws.seuil, masks, fresh, populations
        )
        new = chosen - masks
        if not new:
            break
        write_masks(ws.root, chosen)
        pages = sorted(pages_to_rebuild(ledgers, new))
        reporter("masques", {"nouveaux": len(new), "pages": pages})
        rerun([jobs[p] for p in pages if p in jobs])
    raise DisclosureFailed(
        [(f.page, f.figure.key(), f.low, f.high) for f in result.findings], ws.seuil
    )


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
    populations = Populations.of(ws)
    last: AuditResult | None = None
    previous_figures: dict[str, tuple] = {}
    for _round in range(MAX_ROUNDS):
        ledgers = page_ledgers(ws)
        masks = read_masks(ws.root)
        result = audit(list(ledgers.values()), populations, ws.seuil, masks=masks, previous=last)
        last = result
        if not result.findings:
            return result
        fresh = set(result.figures) - set(previous_figures) if previous_figures else set()
        previous_figures = result.figures
        chosen = complementary(
            list(ledgers.values()), result.findings, ws.seuil, masks, fresh, populations
        )
        if not chosen - masks:
            break
        write_masks(ws.root, chosen)
    raise DisclosureFailed(
        [(f.page, f.figure.key(), f.low, f.high) for f in result.findings], ws.seuil
    )
