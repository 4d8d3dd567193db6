"""Project holders' journeys, followed through keyed pseudonyms only.

Pure functions: :func:`events` reads the workspace's pseudonymised tables (through
``ws.tables``, so no personal field is ever seen here), everything else works on the
DataFrames it returns. Counts meant for publication take a ``threshold`` (the workspace's
``seuil_confidentialite``) and are protected with :mod:`vccap.privacy`.

Events (one row per step of a person, :data:`EVENT_COLUMNS`)
-----------------------------------------------------------
* ``contacts`` rows whose ``profil`` is ``porteur_de_projet`` (salon, evenement_regional...)
  are a ``premier_contact``: date = the row's ``date``, or the action's start when empty;
  territory = the row's ``territoire`` (the territory that advised the person).
* ``participants`` rows whose ``profil`` is ``porteur_de_projet`` (sessions, ateliers...)
  are a ``premier_contact`` too: date = the action's start; territory = ``territoire_vise``.
* ``suivi`` rows (any action may hold one) give their own ``etape``, ``date`` and
  ``territoire``.
* A person keeps **one** ``premier_contact``: the earliest (ties: the earlier action in
  the workspace's order, then contacts before participants before suivi). Later
  appearances are not steps; :func:`appearances` and :func:`returning_people` count them.
* Rows without a pseudonym (no name, no e-mail) cannot be linked and are left out. Only
  actions whose ``statut`` is in ``statuses`` (default: realised) are read; an action whose
  tables have problems is skipped and listed in ``df.attrs["actions_ignorees"]``.

Journeys (one row per person, :data:`JOURNEY_COLUMNS`)
-----------------------------------------------------
Steps are ordered ``premier_contact < rendez_vous < visite_territoire < accompagnement <
installation``; ``abandon`` is an outcome recorded apart. The first contact is the
person's ``premier_contact`` event (or, without one, their earliest event); the entry
channel is the type of its action. The furthest step is the highest step recorded (a
person recorded as installed reached every earlier step even if those were not typed).

Small-count protection of :func:`funnel` (the rule, also for the method note)
----------------------------------------------------------------------------
The overall funnel (``by=None``) is assumed published next to any breakdown, so a
breakdown must not let a masked cell be recovered by difference with it. With ``t`` the
threshold (a cell is *small* when ``0 < n < t``; zeros are shown):

1. **Grouping.** Groups (territories, years...) with fewer than ``t`` people at the first
   step are merged into one "Autres ..." row with :func:`vccap.privacy.protect_counts`
   (which adds the smallest other groups when the merged row is itself under ``t``). If
   everybody together is under ``t``, the whole table is masked.
2. **Tail masking in each row.** From the first step whose count is small, that step and
   every later step of the row are masked. Counts only decrease along a cumulative funnel,
   so later steps are small or zero too, and showing them would narrow the masked value.
3. **Column protection.** A step masked in the overall funnel is masked in every row,
   with all later steps. Otherwise, in each step column (left to right), the masked cells
   must be at least two and add up to more than the number of them that open their row's
   masked tail (each of those is known to be at least 1): the total minus the shown cells
   then gives a sum that several combinations share, so no masked cell can be worked
   back. Masked cells adding up to 0 hide nothing; they are then known to be 0, in that
   step and the later ones, and no longer count as masked further right. While the
   condition fails, the row with the smallest shown positive count of that column is
   masked from that step on (secondary masking). When no such row is left, the masked
   cells opening a tail are all 1: those rows are merged into the "Autres" row (whose
   count for that step is then the published total, at least ``t``) and the table is
   masked again from rule 2. A lone masked cell with no shown positive cell beside it
   equals the published total (at least ``t``) and discloses nothing small.
4. **Abandons** (not cumulative) are one more column under the same rule: small cells
   masked; masked in every row if the overall count is masked; otherwise at least two
   masked cells with a sum above their number, by secondary masking of the smallest shown
   positive cell, else by grouping the rows.

What this protects against: differencing with the published overall funnel, combined with
the decreasing order of a row's counts and what the rule itself tells (a masked cell that
opens a tail is at least 1; a fully masked overall step is between 1 and ``t - 1``). The
tests check it by exhaustive search on small tables: no masked cell can be pinned to a
non-zero value. Not covered: an adversary who re-runs the choice of secondary cells on
every hypothesis, and crossing two breakdowns of the same people (territory x year is
therefore not offered).

Masked cells are ``<NA>`` in nullable ``Int64`` columns. The result's ``attrs`` hold
``seuil``, ``cellules_masquees`` and ``groupes_regroupes`` (groups merged in the "Autres"
row). A threshold of 1 or less returns raw counts (internal use only). With a threshold
of 2, a masked value is necessarily 1: use 3 or more for publication (the default is 3).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np
import pandas as pd

from vccap import privacy
from vccap.errors import InvalidWorkspace
from vccap.workspace import Workspace

STEPS = ("premier_contact", "rendez_vous", "visite_territoire", "accompagnement", "installation")
LATER_STEPS = STEPS[1:]
ABANDON = "abandon"
RANK = {step: i for i, step in enumerate(STEPS)}
PORTEUR = "porteur_de_projet"
DEFAULT_STATUSES = ("realisee",)
#: Tables read for first contacts, with the column giving the territory.
FIRST_CONTACT_TABLES = {"contacts": "territoire", "participants": "territoire_vise"}
SOURCE_ORDER = {"contacts": 0, "participants": 1, "suivi": 2}

EVENT_COLUMNS = [
    "personne",
    "date",
    "etape",
    "territoire",
    "action",
    "type_action",
    "annee",
    "source",
]
JOURNEY_COLUMNS = [
    "personne",
    "date_premier_contact",
    "action_premier_contact",
    "type_premier_contact",
    "annee_premier_contact",
    "territoire_premier_contact",
    "etape_max",
    "rang_max",
    "date_etape_max",
    "territoire",
    *(f"date_{s}" for s in LATER_STEPS),
    *(f"jours_{s}" for s in LATER_STEPS),
    *(f"ecart_{s}" for s in LATER_STEPS),
    "abandon",
    "date_abandon",
    "jours_abandon",
    "issue",
]
APPEARANCE_COLUMNS = ["personne", "action", "type_action", "date", "annee", "profil", "source"]
FUNNEL_COLUMNS = [*STEPS, ABANDON]
DELAY_COLUMNS = ["etape", "personnes", "mediane_jours", "q1_jours", "q3_jours"]
#: Fewest people for quartiles (linear interpolation leaves the extremes out from 5 on).
QUARTILES_FROM = 5
OTHER_LABELS = {
    "territoire": "Autres territoires",
    "territoire_premier_contact": "Autres territoires",
    "annee_premier_contact": "Autres années",
    "type_premier_contact": "Autres types d'action",
}
MISSING_LABEL = "Non renseigné"
ALL_LABEL = "Ensemble"
BY_ALIASES = {"annee": "annee_premier_contact", "type_action": "type_premier_contact"}


# --------------------------------------------------------------------------- events


def _empty_events() -> pd.DataFrame:
    df = pd.DataFrame({c: pd.Series(dtype="string") for c in EVENT_COLUMNS})
    df["date"] = pd.Series(dtype="datetime64[ns]")
    df["annee"] = pd.Series(dtype="Int64")
    return df


def _frame(df: pd.DataFrame, **columns) -> pd.DataFrame:
    out = pd.DataFrame(index=df.index)
    for name in EVENT_COLUMNS:
        value = columns.get(name, pd.NA)
        out[name] = value
    return out


def readable_tables(
    ws: Workspace, statuses: Sequence[str]
) -> tuple[list[tuple[int, object, dict[str, pd.DataFrame]]], list[str]]:
    """``[(order, action, tables)]`` of the counted actions, and the ids skipped."""
    out, skipped = [], []
    for order, action in enumerate(ws.actions.values()):
        if action.statut not in statuses or not action.files:
            continue
        try:
            tables = ws.tables(action.id)
        except InvalidWorkspace:
            skipped.append(action.id)
            continue
        out.append((order, action, tables))
    return out, skipped


def events(ws: Workspace, *, statuses: Sequence[str] = DEFAULT_STATUSES) -> pd.DataFrame:
    """Every step of every linked project holder (columns :data:`EVENT_COLUMNS`).

    See the module docstring for the sources and the one-first-contact rule. Sorted by
    date, then action order, then source, then pseudonym. Computed once per process for the
    same workspace content; each call gets its own copy.
    """
    ev = ws.derived("events", (tuple(statuses),), lambda: _events(ws, statuses))
    out = ev.copy()
    out.attrs = copy.deepcopy(ev.attrs)
    return out


def _events(ws: Workspace, statuses: Sequence[str]) -> pd.DataFrame:
    readable, skipped = readable_tables(ws, statuses)
    frames = []
    for order, action, tables in readable:
        start = pd.Timestamp(action.date_debut) if action.date_debut else pd.NaT
        common = {"action": action.id, "type_action": action.type}
        for source, territory_column in FIRST_CONTACT_TABLES.items():
            df = tables.get(source)
            if df is None or "personne" not in df.columns or "profil" not in df.columns:
                continue
            df = df[(df["profil"] == PORTEUR).fillna(False).astype(bool) & df["personne"].notna()]
            if df.empty:
                continue
            date = df["date"].fillna(start) if "date" in df.columns else start
            territory = df[territory_column] if territory_column in df.columns else pd.NA
            frame = _frame(
                df,
                personne=df["personne"],
                date=date,
                etape=STEPS[0],
                territoire=territory,
                source=source,
                **common,
            )
            frame["_order"] = order
            frames.append(frame)
        df = tables.get("suivi")
        if df is not None and {"personne", "etape", "date"} <= set(df.columns):
            df = df[df["personne"].notna() & df["etape"].notna()]
            if not df.empty:
                frame = _frame(
                    df,
                    personne=df["personne"],
                    date=df["date"],
                    etape=df["etape"],
                    territoire=df["territoire"] if "territoire" in df.columns else pd.NA,
                    source="suivi",
                    **common,
                )
                frame["_order"] = order
                frames.append(frame)
    if not frames:
        out = _empty_events()
        out.attrs["actions_ignorees"] = skipped
        return out
    ev = pd.concat(frames, ignore_index=True)
    ev["date"] = pd.to_datetime(ev["date"]).astype("datetime64[ns]")
    ev["_source"] = ev["source"].map(SOURCE_ORDER)
    ev = ev.sort_values(
        ["date", "_order", "_source", "personne"], kind="stable", na_position="last"
    )
    contacts = ev[ev["etape"] == STEPS[0]]
    repeated = contacts.index[contacts["personne"].duplicated(keep="first")]
    ev = ev.drop(index=repeated).drop(columns=["_order", "_source"]).reset_index(drop=True)
    for column in ("personne", "etape", "territoire", "action", "type_action", "source"):
        ev[column] = ev[column].astype("string")
    ev["annee"] = pd.array(ev["date"].dt.year, dtype="Int64")
    ev = ev[EVENT_COLUMNS]
    ev.attrs["actions_ignorees"] = skipped
    return ev


# --------------------------------------------------------------------------- journeys


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return pd.array((later - earlier).dt.days, dtype="Int64")


def workspace_journeys(
    ws: Workspace, *, statuses: Sequence[str] = DEFAULT_STATUSES
) -> pd.DataFrame:
    """``journeys(events(ws))``, computed once per process for the same workspace content;
    each call gets its own copy."""
    j = ws.derived("journeys", (tuple(statuses),), lambda: journeys(events(ws, statuses=statuses)))
    out = j.copy()
    out.attrs = copy.deepcopy(j.attrs)
    return out


def journeys(events: pd.DataFrame) -> pd.DataFrame:
    """One row per person (columns :data:`JOURNEY_COLUMNS`), sorted by pseudonym.

    ``date_<step>``: first date the step was recorded; ``jours_<step>``: days from the
    first contact; ``ecart_<step>``: days from the latest earlier step recorded (first
    contact included). ``issue`` is ``installation``, ``abandon`` or ``en_cours``.
    """
    ev = events[events["personne"].notna()].copy()
    if ev.empty:
        df = pd.DataFrame({c: pd.Series(dtype="object") for c in JOURNEY_COLUMNS})
        return df
    ev["_i"] = np.arange(len(ev))
    ev = ev.sort_values(["date", "_i"], kind="stable", na_position="last")
    ev["_rank"] = ev["etape"].map(RANK).astype("Int64")
    # first contact: the premier_contact event, else the earliest event
    first = pd.concat([ev[ev["etape"] == STEPS[0]], ev]).drop_duplicates("personne")
    first = first.set_index("personne").sort_index()
    people = first.index
    out = pd.DataFrame(index=people)
    out["date_premier_contact"] = first["date"]
    out["action_premier_contact"] = first["action"]
    out["type_premier_contact"] = first["type_action"]
    out["annee_premier_contact"] = pd.array(first["date"].dt.year, dtype="Int64")
    out["territoire_premier_contact"] = first["territoire"]
    ranked = ev[ev["_rank"].notna()]
    rank_max = ranked.groupby("personne")["_rank"].max().reindex(people).fillna(0).astype(int)
    out["etape_max"] = rank_max.map(dict(enumerate(STEPS)))
    out["rang_max"] = rank_max
    dates = {STEPS[0]: out["date_premier_contact"]}
    for step in LATER_STEPS:
        d = ev[ev["etape"] == step].groupby("personne")["date"].min().reindex(people)
        dates[step] = d.astype("datetime64[ns]")
    # territory of the furthest step: its first event, else the latest known territory
    furthest = ranked[ranked["_rank"] == ranked["personne"].map(rank_max)]
    furthest = furthest[furthest["etape"] != STEPS[0]].drop_duplicates("personne")
    territory = first["territoire"].copy()
    territory.update(furthest.set_index("personne")["territoire"].dropna())
    last_known = ev.dropna(subset=["territoire"]).groupby("personne")["territoire"].last()
    territory = territory.fillna(last_known.reindex(people))
    step_date = pd.Series(pd.NaT, index=people, dtype="datetime64[ns]")
    for step, d in dates.items():
        step_date = step_date.where(out["etape_max"] != step, d)
    out["date_etape_max"] = step_date
    out["territoire"] = territory.astype("string")
    for step in LATER_STEPS:
        out[f"date_{step}"] = dates[step]
    for step in LATER_STEPS:
        out[f"jours_{step}"] = _days(dates[step], out["date_premier_contact"])
    for i, step in enumerate(LATER_STEPS, start=1):
        before = pd.concat([dates[s] for s in STEPS[:i]], axis=1).max(axis=1)
        out[f"ecart_{step}"] = _days(dates[step], before)
    abandon = ev[ev["etape"] == ABANDON].groupby("personne")["date"].min().reindex(people)
    out["abandon"] = abandon.notna()
    out["date_abandon"] = abandon.astype("datetime64[ns]")
    out["jours_abandon"] = _days(out["date_abandon"], out["date_premier_contact"])
    out["issue"] = np.where(
        out["rang_max"] == RANK["installation"],
        "installation",
        np.where(out["abandon"], ABANDON, "en_cours"),
    )
    out = out.reset_index()
    for column in ("personne", "action_premier_contact", "type_premier_contact", "etape_max"):
        out[column] = out[column].astype("string")
    out["territoire_premier_contact"] = out["territoire_premier_contact"].astype("string")
    out["issue"] = out["issue"].astype("string")
    return out[JOURNEY_COLUMNS]


# --------------------------------------------------------------------------- protection


def _mask_table(
    values: np.ndarray, abandons: np.ndarray, total_mask: np.ndarray, t: int
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Masks of a grouped funnel (steps and abandons), rules 2 to 4 of the module doc.

    ``values``: ``(rows, steps)`` cumulative counts; ``abandons``: ``(rows,)``;
    ``total_mask``: mask of the overall funnel (``steps + 1`` booleans, abandon last).
    Returns ``(mask, abandon_mask, to_group)``: when ``to_group`` is not empty, those rows
    must be merged into the "Autres" row and the table masked again (the masks are then
    meaningless).
    """
    rows, n_steps = values.shape
    mask = np.zeros_like(values, dtype=bool)
    for r in range(rows):  # rule 2: tails
        small = np.flatnonzero((values[r, 1:] > 0) & (values[r, 1:] < t))
        if small.size:
            mask[r, 1 + small[0] :] = True
    known_zero = np.zeros(rows, dtype=bool)  # masked, but worked back as 0 (and 0 after)
    for k in range(1, n_steps):  # rule 3: columns, left to right
        if total_mask[k]:
            mask[:, k:] = True
            break
        while True:
            masked = np.flatnonzero(mask[:, k] & ~known_zero)
            if masked.size == 0:
                break
            opening = masked[~mask[masked, k - 1]]
            hidden = values[masked, k].sum()  # = published total - shown cells
            if hidden == 0:
                known_zero[masked] = True  # nothing to hide here, and nothing later
                break
            if masked.size >= 2 and hidden > opening.size:
                break  # several combinations share the sum
            shown = np.flatnonzero(~mask[:, k] & (values[:, k] > 0))
            if shown.size:
                pick = shown[np.argmin(values[shown, k])]  # first row on ties
                mask[pick, k:] = True
                continue
            if masked.size == 1:
                break  # its value is the published total, at least t: nothing small to hide
            # every opening cell is 1 and the tails 0: group the rows instead
            return mask, np.zeros_like(abandons, dtype=bool), sorted(opening.tolist())
    amask = (abandons > 0) & (abandons < t)  # rule 4: abandons
    if total_mask[-1]:
        amask[:] = True
    else:
        while amask.any():
            masked = np.flatnonzero(amask)
            if masked.size >= 2 and abandons[masked].sum() > masked.size:
                break
            shown = np.flatnonzero(~amask & (abandons > 0))
            if shown.size:
                amask[shown[np.argmin(abandons[shown])]] = True
                continue
            if masked.size == 1:
                break
            return mask, amask, sorted(masked.tolist())
    return mask, amask, []


def _overall_mask(counts: np.ndarray, abandon: int, t: int) -> np.ndarray:
    """Mask of the overall funnel: everything when under ``t`` people, else tail + abandon."""
    mask = np.zeros(len(counts) + 1, dtype=bool)
    if t <= 1:
        return mask
    if 0 < counts[0] < t:
        mask[:] = True
        return mask
    small = np.flatnonzero((counts[1:] > 0) & (counts[1:] < t))
    if small.size:
        mask[1 + small[0] : len(counts)] = True
    mask[-1] = 0 < abandon < t
    return mask


def _raw_counts(journeys: pd.DataFrame) -> tuple[np.ndarray, int]:
    rank = journeys["rang_max"].to_numpy(dtype=int)
    counts = np.array([(rank >= i).sum() for i in range(len(STEPS))], dtype=int)
    return counts, int(journeys["abandon"].astype(bool).sum())


def _to_frame(
    labels: list[str],
    column: str,
    values: np.ndarray,
    abandons: np.ndarray,
    mask: np.ndarray,
    amask: np.ndarray,
) -> pd.DataFrame:
    df = pd.DataFrame({column: pd.array(labels, dtype="string")})
    for i, step in enumerate(STEPS):
        df[step] = pd.array(
            [None if m else int(v) for v, m in zip(values[:, i], mask[:, i], strict=True)],
            dtype="Int64",
        )
    df[ABANDON] = pd.array(
        [None if m else int(v) for v, m in zip(abandons, amask, strict=True)], dtype="Int64"
    )
    return df


def funnel(
    journeys: pd.DataFrame,
    by: str | None = None,
    *,
    threshold: int,
    other_label: str | None = None,
) -> pd.DataFrame:
    """People reaching each step (cumulative), protected for publication.

    ``by``: ``None`` (one row, ``groupe`` = "Ensemble"), ``"annee"`` (year of first
    contact), ``"territoire"`` (territory of the furthest step; map ids to names in the
    journeys beforehand if wanted) or any column of the journeys. Columns: the ``by``
    column (``groupe`` when ``by`` is None), then :data:`FUNNEL_COLUMNS`. Missing group
    values are "Non renseigné". ``threshold``: see the module docstring for the rule
    (mandatory on purpose: ``threshold=1`` gives raw counts, for internal use only).
    """
    t = int(threshold)
    counts, abandon = _raw_counts(journeys)
    total_mask = _overall_mask(counts, abandon, t)
    if by is None:
        df = _to_frame(
            [ALL_LABEL],
            "groupe",
            counts[None, :],
            np.array([abandon]),
            total_mask[None, : len(STEPS)],
            total_mask[-1:],
        )
        df.attrs.update(seuil=t, cellules_masquees=int(total_mask.sum()), groupes_regroupes=[])
        return df
    column = BY_ALIASES.get(by, by)
    label = other_label or OTHER_LABELS.get(column, "Autres")
    keys = journeys[column].astype("string").fillna(MISSING_LABEL)
    groups: dict[str, tuple[np.ndarray, int]] = {
        str(key): _raw_counts(part) for key, part in journeys.groupby(keys, sort=True)
    }
    first = pd.Series({k: v[0][0] for k, v in groups.items()}, dtype=int)
    if t > 1:  # rule 1: groups under the threshold join the "Autres" row
        protected = privacy.protect_counts(first, t, other_label=label)
        kept = [k for k in protected.table["categorie"] if k in groups and k != label]
    else:
        kept = list(groups)
    numeric = all(k.isdigit() for k in kept)
    kept.sort(key=lambda k: (k == MISSING_LABEL, int(k) if numeric else -groups[k][0][0], k))
    while True:
        merged = [k for k in groups if k not in kept]
        labels = kept + ([label] if merged else [])
        values = [groups[k][0] for k in kept] + ([sum(groups[k][0] for k in merged)] * bool(merged))
        abandons = [groups[k][1] for k in kept] + [sum(groups[k][1] for k in merged)] * bool(merged)
        values_arr = np.array(values, dtype=int).reshape(len(labels), len(STEPS))
        abandons_arr = np.array(abandons, dtype=int)
        if t <= 1:
            mask = np.zeros_like(values_arr, dtype=bool)
            amask = np.zeros_like(abandons_arr, dtype=bool)
            break
        if not kept and 0 < counts[0] < t:  # everybody together is under the threshold
            mask = np.ones_like(values_arr, dtype=bool)
            amask = np.ones_like(abandons_arr, dtype=bool)
            break
        mask, amask, to_group = _mask_table(values_arr, abandons_arr, total_mask, t)
        if not to_group:
            break
        kept = [k for i, k in enumerate(kept) if i not in to_group]
    df = _to_frame(labels, by, values_arr, abandons_arr, mask, amask)
    df.attrs.update(
        seuil=t,
        cellules_masquees=int(mask.sum() + amask.sum()),
        groupes_regroupes=merged,
    )
    return df


# --------------------------------------------------------------------------- other outputs


def step_delays(events: pd.DataFrame, *, threshold: int) -> pd.DataFrame:
    """Days from first contact to each later step and to abandon (columns :data:`DELAY_COLUMNS`).

    ``personnes`` counts the people with a recorded date for the step. When it is under
    the threshold (and not 0) the count and every statistic are masked (``<NA>``). Only the
    median and the quartiles (``q1_jours``, ``q3_jours``, linear interpolation) are given,
    over at least ``threshold`` people: a minimum or a maximum is one person's delay and is
    never published. The quartiles need :data:`QUARTILES_FROM` people as well: under 5, the
    interpolated quartiles weigh the smallest and largest delays, which the median and the
    two quartiles of 3 people give back exactly.
    """
    j = journeys(events)
    rows = []
    for step in (*LATER_STEPS, ABANDON):
        days = j[f"jours_{step}"].dropna().astype(int) if len(j) else pd.Series(dtype=int)
        n = len(days)
        shown = privacy.safe_count(n, threshold)
        if shown is None or n == 0:
            rows.append(
                {
                    "etape": step,
                    "personnes": shown,
                    "mediane_jours": None,
                    "q1_jours": None,
                    "q3_jours": None,
                }
            )
            continue
        quartiles = n >= QUARTILES_FROM
        rows.append(
            {
                "etape": step,
                "personnes": n,
                "mediane_jours": float(days.median()),
                "q1_jours": float(days.quantile(0.25)) if quartiles else None,
                "q3_jours": float(days.quantile(0.75)) if quartiles else None,
            }
        )
    df = pd.DataFrame(rows, columns=DELAY_COLUMNS)
    df["etape"] = df["etape"].astype("string")
    df["personnes"] = pd.array(df["personnes"], dtype="Int64")
    for column in ("mediane_jours", "q1_jours", "q3_jours"):
        df[column] = pd.array(df[column], dtype="Float64")
    return df


def entry_channels(
    journeys: pd.DataFrame, *, threshold: int, other_label: str = "Autres types d'action"
) -> privacy.Protected:
    """People by type of action of their first contact, protected with ``protect_counts``.

    ``table`` has columns ``categorie`` (action type id, "Non renseigné", or
    ``other_label`` for grouped small types) and ``effectif``.
    """
    counts = journeys["type_premier_contact"].astype("string").fillna(MISSING_LABEL)
    counts = counts.value_counts().sort_index()
    return privacy.protect_counts(counts, threshold, other_label=other_label)
