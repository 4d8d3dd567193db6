"""People seen at several actions: every linked appearance in ``participants`` and
``contacts``, and how many people came back (a published, protected count).

Pure functions over a loaded workspace, sharing :mod:`vccap.journeys`' reading of tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from vccap import privacy
from vccap.journeys import (
    APPEARANCE_COLUMNS,
    DEFAULT_STATUSES,
    FIRST_CONTACT_TABLES,
    PORTEUR,
    readable_tables,
)
from vccap.model import Action
from vccap.workspace import Workspace

#: Tables whose rows are people reached by an action (one row per person and action).
REACHED_TABLES = ("participants", "contacts")
REACHED_COLUMNS = ["personne", "annee"]


def appearances(ws: Workspace, *, statuses: Sequence[str] = DEFAULT_STATUSES) -> pd.DataFrame:
    """Every linked appearance in ``participants`` and ``contacts`` (any profile).

    Columns :data:`APPEARANCE_COLUMNS`; one row per (person, action, table) at most.
    """
    readable, _ = readable_tables(ws, statuses)
    frames = []
    for _, action, tables in readable:
        start = pd.Timestamp(action.date_debut) if action.date_debut else pd.NaT
        for source in FIRST_CONTACT_TABLES:
            df = tables.get(source)
            if df is None or "personne" not in df.columns:
                continue
            df = df[df["personne"].notna()]
            date = df["date"].fillna(start) if "date" in df.columns else start
            frame = pd.DataFrame(
                {
                    "personne": df["personne"],
                    "action": action.id,
                    "type_action": action.type,
                    "date": date,
                    "profil": df["profil"] if "profil" in df.columns else pd.NA,
                    "source": source,
                }
            )
            frames.append(frame.drop_duplicates(["personne"]))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in APPEARANCE_COLUMNS})
    df = pd.concat(frames, ignore_index=True)
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[ns]")
    df["annee"] = pd.array(df["date"].dt.year, dtype="Int64")
    for column in ("personne", "action", "type_action", "profil", "source"):
        df[column] = df[column].astype("string")
    df = df.sort_values(["date", "action", "source", "personne"], kind="stable")
    return df[APPEARANCE_COLUMNS].reset_index(drop=True)


def returning_people(
    ws: Workspace,
    *,
    threshold: int,
    profil: str | None = PORTEUR,
    statuses: Sequence[str] = DEFAULT_STATUSES,
) -> int | None:
    """Number of people seen in two actions or more (``participants`` / ``contacts``).

    ``profil`` (default: project holders) keeps the people who had that profile in at
    least one appearance; ``None`` counts everybody. Published value: ``safe_count``
    (``None`` when under the threshold).
    """
    df = appearances(ws, statuses=statuses)
    if profil is not None:
        people = set(df.loc[df["profil"] == profil, "personne"])
        df = df[df["personne"].isin(people)]
    n = int((df.groupby("personne")["action"].nunique() >= 2).sum()) if len(df) else 0
    return privacy.safe_count(n, threshold)


def reached(actions: Iterable[tuple[Action, Mapping[str, pd.DataFrame]]]) -> pd.DataFrame:
    """The people reached by some actions: one row per person and year, duplicates removed.

    ``actions``: (action, its pseudonymised tables) pairs. A person is a row of a
    ``participants`` or ``contacts`` table; the same pseudonym (same e-mail, or same name,
    first name and phone) seen at several actions of one year, or in both tables, is one
    row. A row without any personal value cannot be linked to another one: it counts as one
    person (keyed ``"<action>:<table>:<index>"``). Columns :data:`REACHED_COLUMNS`
    (``annee``: the action's year, Int64), sorted by year then key. This is the population
    "personnes" of the disclosure control and the « personnes touchées » of the yearly
    reviews.
    """
    keys: list[str] = []
    years: list[int | None] = []
    for action, tables in actions:
        for kind in REACHED_TABLES:
            df = tables.get(kind)
            if df is None or df.empty:
                continue
            ids = (
                df["personne"].astype("string")
                if "personne" in df.columns
                else pd.Series(pd.NA, index=df.index, dtype="string")
            )
            own = pd.Series([f"{action.id}:{kind}:{i}" for i in df.index], index=df.index)
            keys.extend(ids.fillna(own).astype(str))
            years.extend([action.annee] * len(df))
    out = pd.DataFrame({"personne": keys, "annee": pd.array(years, dtype="Int64")})
    out = out.drop_duplicates(REACHED_COLUMNS).sort_values(["annee", "personne"], kind="stable")
    return out.reset_index(drop=True)
