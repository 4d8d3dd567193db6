"""People seen at several actions: every linked appearance in ``participants`` and
``contacts``, and how many people came back (a published, protected count).

Pure functions over a loaded workspace, sharing :mod:`vccap.journeys`' reading of tables.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from vccap import privacy
from vccap.journeys import (
    APPEARANCE_COLUMNS,
    DEFAULT_STATUSES,
    FIRST_CONTACT_TABLES,
    PORTEUR,
    readable_tables,
)
from vccap.workspace import Workspace


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
