"""Project holders' journeys: exact answers on a tiny workspace, protection of the funnel."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import EXAMPLE
from vccap import journeys as J
from vccap.appearances import appearances, returning_people
from vccap.journeys import STEPS
from vccap.loading import load_workspace


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def _action(root: Path, action_id: str, type_: str, day: str) -> Path:
    folder = root / "actions" / action_id
    _write(
        folder / "action.yml",
        f"""
        id: {action_id}
        titre: Action {action_id}
        type: {type_}
        statut: realisee
        date_debut: {day}
        territoires: [rur-a]
        partenaires: []
        source: Données d'exemple fictives
        """,
    )
    return folder


SALON = "2020-06-salon-essai"
SESSION = "2021-02-session-essai"


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """Five project holders: a (installed, seen twice), b (dropped out), c (visited another
    territory), e (first met at the session, recorded as installed only), f (no e-mail)."""
    root = tmp_path / "ws"
    _write(root / "demarche.yml", "nom: Essai\nannees: [2020, 2021]\nseuil_confidentialite: 3\n")
    _write(
        root / "territoires.csv",
        """
        id,nom,milieu,departement
        rur-a,Territoire rural A,rural,01
        rur-b,Territoire rural B,rural,01
        peri-c,Territoire périurbain C,periurbain,69
        """,
    )
    _write(
        root / "structures.csv", "id,nom,categorie,milieu,territoire\ns-urb,Couveuse,x,urbain,\n"
    )
    salon = _action(root, SALON, "salon", "2020-06-10")
    _write(
        salon / "contacts.csv",
        """
        Date,Territoire,Profil,Nom,Prénom,Courriel,Structure
        10/06/2020,rur-a,Porteur de projet,Alpha,Anne,a@example.org,
        ,rur-a,Porteur de projet,Beta,Bruno,b@example.org,
        11/06/2020,peri-c,Porteur de projet,Gamma,Gil,c@example.org,
        10/06/2020,rur-a,Partenaire,Delta,Dora,d@example.org,Couveuse
        """,
    )
    _write(
        salon / "suivi.csv",
        """
        Courriel;Nom;Prénom;Date;Étape;Territoire
        a@example.org;Alpha;Anne;10/07/2020;Rendez-vous;rur-a
        A@EXAMPLE.ORG;Alpha;Anne;09/08/2020;Visite du territoire;rur-a
        a@example.org;Alpha;Anne;08/10/2020;Accompagnement;rur-a
        a@example.org;Alpha;Anne;01/03/2021;Installée;rur-a
        b@example.org;Beta;Bruno;30/06/2020;RDV;rur-a
        b@example.org;Beta;Bruno;14/07/2020;rendez-vous;rur-a
        b@example.org;Beta;Bruno;01/09/2020;Abandon;rur-a
        c@example.org;Gamma;Gil;01/07/2020;Rendez-vous;peri-c
        c@example.org;Gamma;Gil;01/09/2020;Visite;Territoire rural B
        """,
    )
    session = _action(root, SESSION, "session_porteurs", "2021-02-04")
    _write(
        session / "participants.csv",
        """
        Nom,Prénom,Courriel,Profil,Structure,Territoire visé
        Alpha,Anne,a@example.org,Porteur de projet,,rur-b
        Epsilon,Emma,e@example.org,Porteur de projet,,rur-b
        Phi,Fred,,Porteur de projet,,
        Psi,Paul,p@example.org,Partenaire,Couveuse,
        """,
    )
    _write(
        session / "suivi.csv",
        """
        Courriel,Nom,Prénom,Date,Étape,Territoire
        e@example.org,Epsilon,Emma,2021-06-01,Installation,rur-b
        e@example.org,Epsilon,Emma,2021-02-20,Premier contact,rur-b
        """,
    )
    return root


def _by_email(ws, frame: pd.DataFrame) -> dict[str, pd.Series]:
    """Rows of a per-person frame keyed by the letter of the e-mail (test only)."""
    from vccap.privacy import pseudonym

    keys = {pseudonym(ws.key, f"m:{x}@example.org"): x for x in "abce"}
    keys[pseudonym(ws.key, "np:phi|fred|")] = "f"
    return {keys[row["personne"]]: row for _, row in frame.iterrows()}


def test_events_one_first_contact_per_person(tiny):
    ws = load_workspace(tiny)
    ev = J.events(ws)
    assert list(ev.columns) == J.EVENT_COLUMNS
    assert ev.attrs["actions_ignorees"] == []
    first = ev[ev["etape"] == "premier_contact"]
    assert first["personne"].is_unique and len(first) == 5  # partners are not holders
    rows = _by_email(ws, first)
    assert rows["a"]["action"] == SALON and rows["a"]["date"] == pd.Timestamp("2020-06-10")
    assert rows["b"]["date"] == pd.Timestamp("2020-06-10")  # empty date: the action's start
    assert rows["c"]["territoire"] == "peri-c" and rows["c"]["source"] == "contacts"
    # e's suivi "premier contact" (20 Feb) comes after the session (4 Feb): the session wins
    assert rows["e"]["action"] == SESSION and rows["e"]["territoire"] == "rur-b"
    assert rows["e"]["source"] == "participants" and rows["e"]["type_action"] == "session_porteurs"
    assert pd.isna(rows["f"]["territoire"])
    assert len(ev) == 5 + 9 + 1  # first contacts + salon suivi + e's installation
    assert ev["date"].is_monotonic_increasing


def test_journeys_furthest_step_territory_and_delays(tiny):
    ws = load_workspace(tiny)
    j = J.journeys(J.events(ws))
    assert list(j.columns) == J.JOURNEY_COLUMNS
    rows = _by_email(ws, j)
    a, b, c, e, f = (rows[x] for x in "abcef")
    assert a["etape_max"] == "installation" and a["issue"] == "installation"
    assert a["jours_rendez_vous"] == 30 and a["jours_visite_territoire"] == 60
    assert a["jours_installation"] == (dt.date(2021, 3, 1) - dt.date(2020, 6, 10)).days == 264
    assert a["ecart_installation"] == (dt.date(2021, 3, 1) - dt.date(2020, 10, 8)).days
    assert a["type_premier_contact"] == "salon" and a["annee_premier_contact"] == 2020
    assert b["etape_max"] == "rendez_vous" and bool(b["abandon"]) and b["issue"] == "abandon"
    assert b["date_rendez_vous"] == pd.Timestamp("2020-06-30")  # the first of two
    assert b["jours_abandon"] == 83
    assert c["etape_max"] == "visite_territoire"
    assert c["territoire_premier_contact"] == "peri-c" and c["territoire"] == "rur-b"
    assert c["ecart_visite_territoire"] == 62
    assert e["etape_max"] == "installation" and e["territoire"] == "rur-b"
    assert pd.isna(e["date_rendez_vous"]) and pd.isna(e["jours_rendez_vous"])
    assert e["jours_installation"] == (dt.date(2021, 6, 1) - dt.date(2021, 2, 4)).days
    assert e["ecart_installation"] == e["jours_installation"]  # no earlier step recorded
    assert f["etape_max"] == "premier_contact" and pd.isna(f["territoire"])
    assert f["issue"] == "en_cours"


def test_funnel_is_cumulative_and_other_outputs(tiny):
    ws = load_workspace(tiny)
    ev = J.events(ws)
    j = J.journeys(ev)
    raw = J.funnel(j, threshold=1)
    assert list(raw.columns) == ["groupe", *J.FUNNEL_COLUMNS]
    assert raw.iloc[0, 1:].tolist() == [5, 4, 3, 2, 2, 1]
    protected = J.funnel(j, threshold=3).iloc[0, 1:]
    assert protected.iloc[:3].tolist() == [5, 4, 3] and protected.iloc[3:].isna().all()
    per_year = J.funnel(j, "annee", threshold=1)
    assert per_year["annee"].tolist() == ["2020", "2021"]
    assert per_year["premier_contact"].tolist() == [3, 2]
    assert per_year["installation"].tolist() == [1, 1]
    channels = J.entry_channels(j, threshold=1).table
    assert dict(zip(channels["categorie"], channels["effectif"], strict=True)) == {
        "salon": 3,
        "session_porteurs": 2,
    }
    delays = J.step_delays(ev, threshold=1).set_index("etape")
    assert list(delays.reset_index().columns) == J.DELAY_COLUMNS
    # a 30, b 20, c 20: the median; no quartiles under 5 people (with the median they
    # would give back the smallest and the largest delay)
    row = delays.loc["rendez_vous"]
    assert (row["personnes"], row["mediane_jours"]) == (3, 20.0)
    assert pd.isna(row["q1_jours"]) and pd.isna(row["q3_jours"])
    five = pd.concat(
        [ev, *(ev.assign(personne=ev["personne"] + f"-bis{i}") for i in (1,))], ignore_index=True
    )
    both = J.step_delays(five, threshold=1).set_index("etape").loc["rendez_vous"]
    assert both["personnes"] == 6 and (both["q1_jours"], both["q3_jours"]) == (20.0, 27.5)
    masked = J.step_delays(ev, threshold=3).set_index("etape")
    assert masked.loc["rendez_vous", "personnes"] == 3
    assert masked.loc["installation"].isna().all()  # 2 people: count and statistics masked
    assert returning_people(ws, threshold=1) == 1  # a: salon then session
    assert returning_people(ws, threshold=3) is None
    assert returning_people(ws, threshold=1, profil=None) == 1


def test_unreadable_action_is_skipped_and_listed(tiny):
    (tiny / "actions" / SESSION / "suivi.csv").write_text(
        "Courriel,Date,Étape\ne@example.org,2021-06-01,installé partout\n", encoding="utf-8"
    )
    ev = J.events(load_workspace(tiny))
    assert ev.attrs["actions_ignorees"] == [SESSION]
    assert set(ev["action"]) == {SALON}


# --------------------------------------------------------------------------- protection


def _journeys(rows: list[tuple[str, int, bool]]) -> pd.DataFrame:
    """Hand-made journeys: (territory, furthest rank, dropped out), one row per person."""
    return pd.DataFrame(
        {
            "personne": [f"p{i:04d}" for i in range(len(rows))],
            "territoire": pd.array([r[0] for r in rows], dtype="string"),
            "rang_max": [r[1] for r in rows],
            "abandon": [r[2] for r in rows],
        }
    )


def _table(spec: dict[str, tuple[list[int], int]]) -> pd.DataFrame:
    """Journeys from cumulative counts per territory: {terr: ([c0..c4], abandons)}."""
    rows = []
    for terr, (counts, abandons) in spec.items():
        exact = [counts[i] - (counts[i + 1] if i + 1 < len(counts) else 0) for i in range(5)]
        people = [rank for rank, n in enumerate(exact) for _ in range(n)]
        rows += [(terr, rank, i < abandons) for i, rank in enumerate(people)]
    return _journeys(rows)


def _tails(hi: int, length: int, lo_first: int, caps: list[int]) -> list[tuple[int, ...]]:
    """Non-increasing tails with the first value >= lo_first and each value <= its cap."""
    out = []
    for seq in itertools.combinations_with_replacement(range(hi, -1, -1), length):
        if seq[0] >= lo_first and all(v <= c for v, c in zip(seq, caps, strict=True)):
            out.append(seq)
    return out


def _possible_values(pub: pd.DataFrame, overall: pd.DataFrame, t: int) -> dict:
    """Every value each masked cell can take, given what is published.

    The attacker knows the rule: shown cells, the overall funnel, counts decreasing along
    a row, masked tails opening on a non-zero value unless the whole column is masked,
    masked overall cells between 1 and t-1 (first) or 0 and t-1 (later), abandons at most
    the row's first count. Exhaustive search (dynamic programming over the rows, on the
    sums of the masked cells of each step column).
    """
    steps = pub[list(STEPS)]
    n = len(pub)
    if steps["premier_contact"].isna().all():  # everybody under the threshold: all masked
        assert pub[J.FUNNEL_COLUMNS].isna().all().all()
        return {}
    full = {k for k in range(1, 5) if steps.iloc[:, k].isna().all()}
    over = overall[list(STEPS)].iloc[0]
    first_masked = next((k for k in range(1, 5) if pd.isna(over.iloc[k])), None)
    # possible sums of the masked cells of each step column
    sums = []
    for k in range(1, 5):
        shown = int(steps.iloc[:, k].dropna().sum())
        if pd.notna(over.iloc[k]):
            sums.append([int(over.iloc[k]) - shown])
        else:
            sums.append([v - shown for v in range(1 if k == first_masked else 0, t)])
    caps = [max(s) for s in sums]
    targets = set(itertools.product(*sums))
    cands: list[tuple[int, list[tuple[int, ...]]]] = []
    for r in range(n):
        row = steps.iloc[r]
        masked = [k for k in range(5) if pd.isna(row.iloc[k])]
        if not masked:
            cands.append((5, [()]))
            continue
        m = masked[0]
        assert m >= 1 and masked == list(range(m, 5)), "masks must be row tails"
        lo = 0 if m in full else 1
        hi = int(row.iloc[m - 1])
        cands.append((m, _tails(hi, 5 - m, lo, caps[m - 1 :])))

    def vec(r: int, seq: tuple[int, ...]) -> tuple[int, ...]:
        m = cands[r][0]
        return tuple(0 if k < m else seq[k - m] for k in range(1, 5))

    def add(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | None:
        s = tuple(x + y for x, y in zip(a, b, strict=True))
        return s if all(x <= c for x, c in zip(s, caps, strict=True)) else None

    forward = [{(0, 0, 0, 0)}]
    for r in range(n):
        forward.append(
            {x for f in forward[-1] for seq in cands[r][1] if (x := add(f, vec(r, seq)))}
        )
    backward = [{(0, 0, 0, 0)}]
    for r in reversed(range(n)):
        backward.insert(
            0, {x for b in backward[0] for seq in cands[r][1] if (x := add(b, vec(r, seq)))}
        )
    values: dict[tuple[int, str], set[int]] = {}
    for r in range(n):
        m, seqs = cands[r]
        for seq in seqs:
            c = vec(r, seq)
            feasible = any(
                tuple(tau - fi - ci for tau, fi, ci in zip(target, f, c, strict=True))
                in backward[r + 1]
                for target in targets
                for f in forward[r]
            )
            if feasible:
                for i, v in enumerate(seq):
                    values.setdefault((r, STEPS[m + i]), set()).add(v)
    # abandons: independent of the steps
    ab = pub[J.ABANDON]
    masked = [r for r in range(n) if pd.isna(ab.iloc[r])]
    if masked:
        lo = 0 if len(masked) == n else 1
        his = {r: int(steps.iloc[r, 0]) for r in masked}
        shown = int(ab.dropna().sum())
        total = overall[J.ABANDON].iloc[0]
        lo_t, hi_t = (int(total), int(total)) if pd.notna(total) else (1, t - 1)
        for r in masked:
            others_lo = lo * (len(masked) - 1)
            others_hi = sum(h for q, h in his.items() if q != r)
            values[(r, J.ABANDON)] = {
                v
                for v in range(lo, his[r] + 1)
                if shown + v + others_lo <= hi_t and shown + v + others_hi >= lo_t
            }
    return values


def _assert_protected(j: pd.DataFrame, t: int) -> pd.DataFrame:
    pub = J.funnel(j, "territoire", threshold=t)
    overall = J.funnel(j, threshold=t)
    raw = J.funnel(j, "territoire", threshold=1).set_index("territoire")
    cells = pub[J.FUNNEL_COLUMNS].to_numpy(dtype=float, na_value=np.nan)
    shown = cells[~np.isnan(cells)]
    assert not ((shown > 0) & (shown < t)).any(), "a small count is shown"
    assert (pub["premier_contact"].dropna() >= t).all()
    possible = _possible_values(pub, overall, t)
    for (r, column), vals in possible.items():
        # a cell that can only be 0 discloses nothing a shown zero would not
        assert len(vals) >= 2 or vals == {0}, f"{pub.iloc[r, 0]} / {column} worked back: {vals}"
    # the true values are among the possible ones (the search is sound)
    for (r, column), vals in possible.items():
        label = pub.iloc[r, 0]
        if label in raw.index:
            assert int(raw.loc[label, column]) in vals
    return pub


def test_small_territories_are_grouped_and_small_steps_masked():
    j = _table(
        {
            "grand": ([20, 10, 6, 4, 3], 2),
            "moyen": ([12, 6, 3, 3, 1], 0),
            "autre": ([9, 4, 3, 3, 2], 1),
            "petit": ([2, 1, 1, 0, 0], 1),
            "minus": ([1, 1, 0, 0, 0], 0),
        }
    )
    pub = _assert_protected(j, 3).set_index("territoire")
    assert pub.index.tolist() == ["grand", "moyen", "autre", "Autres territoires"]
    assert pub.attrs["groupes_regroupes"] == ["minus", "petit"]
    assert pub.loc["Autres territoires", "premier_contact"] == 3
    # installation: moyen 1 and autre 2 protect each other (sum 3 > 2), grand's 3 is shown
    assert pub.loc["grand"].tolist()[:5] == [20, 10, 6, 4, 3]
    assert pub["installation"].isna().tolist() == [False, True, True, True]
    # abandons: autre (1) and "Autres" (1) sum to 2, not above 2: grand (2) is masked too
    assert pub["abandon"].isna().tolist() == [True, False, True, True]


def test_one_small_cell_masks_a_second_one_too():
    j = _table({"a": ([10, 6, 4, 3, 1], 0), "b": ([8, 5, 4, 3, 3], 0)})
    pub = _assert_protected(j, 3).set_index("territoire")
    # without the second mask: installation b = 4 - 3 shown would give a = 1
    assert pub["installation"].isna().all()
    assert pub.loc["a"].tolist()[:4] == [10, 6, 4, 3]


def test_cells_that_would_all_be_one_are_not_shown_apart():
    j = _table(
        {
            "a": ([5, 3, 3, 1, 0], 0),
            "b": ([5, 3, 3, 1, 0], 0),
            "c": ([5, 3, 3, 1, 0], 0),
        }
    )
    pub = _assert_protected(j, 3)
    # three masked 1s adding up to the published 3 would each be worked back (and no
    # shown cell is left to mask beside them): the three territories are grouped
    assert pub["territoire"].tolist() == ["Autres territoires"]
    assert pub.attrs["groupes_regroupes"] == ["a", "b", "c"]
    assert pub.iloc[0, 1:].tolist() == [15, 9, 9, 3, 0, 0]


def test_ones_beside_a_larger_territory_are_grouped_not_masked_everywhere():
    j = _table(
        {
            "grand": ([30, 12, 8, 5, 0], 0),
            "a": ([5, 3, 3, 1, 0], 0),
            "b": ([5, 3, 3, 1, 0], 0),
            "c": ([5, 3, 3, 1, 0], 0),
        }
    )
    pub = _assert_protected(j, 3).set_index("territoire")
    # the three 1s alone would be worked back; masking grand's 5 beside them is enough
    # (four masked cells adding up to 8): no grouping is needed
    assert pub.index.tolist() == ["grand", "a", "b", "c"]
    assert pub["accompagnement"].isna().all()
    assert pub.loc["grand"].tolist()[:3] == [30, 12, 8]


def test_everything_under_the_threshold_is_masked():
    j = _table({"a": ([1, 1, 0, 0, 0], 1), "b": ([1, 0, 0, 0, 0], 0)})
    pub = J.funnel(j, "territoire", threshold=3)
    assert pub[J.FUNNEL_COLUMNS].isna().all().all()
    assert J.funnel(j, threshold=3)[J.FUNNEL_COLUMNS].isna().all().all()


def test_random_tables_never_let_a_masked_cell_be_worked_back():
    rng = random.Random(5)
    for _ in range(60):
        spec = {}
        for g in range(rng.randint(2, 4)):
            counts = [rng.randint(1, 6)]
            for _ in range(4):
                counts.append(rng.randint(0, counts[-1]) if rng.random() < 0.8 else counts[-1])
            spec[f"t{g}"] = (counts, rng.randint(0, min(3, counts[0])))
        _assert_protected(_table(spec), 3)


# --------------------------------------------------------------------------- example workspace


@pytest.fixture(scope="module")
def example():
    ws = load_workspace(EXAMPLE)
    ev = J.events(ws)
    return ws, ev, J.journeys(ev)


def test_example_funnel_is_monotonic_and_matches_the_generator(example):
    ws, ev, j = example
    assert ev.attrs["actions_ignorees"] == []
    raw = J.funnel(j, threshold=1).iloc[0]
    counts = [int(raw[s]) for s in STEPS]
    assert counts == sorted(counts, reverse=True)
    assert counts[1:] == [40, 20, 12, 6] and int(raw["abandon"]) == 8
    per_year = J.funnel(j, "annee", threshold=1)
    assert per_year["premier_contact"].sum() == counts[0]
    for _, row in J.funnel(j, "territoire", threshold=1).iterrows():
        values = [int(row[s]) for s in STEPS]
        assert values == sorted(values, reverse=True)


def test_example_published_breakdowns_are_protected(example):
    ws, ev, j = example
    pub = _assert_protected(j, ws.seuil).set_index("territoire")
    assert pub.loc["roannais"].tolist()[:5] == [36, 10, 6, 4, 3]  # a whole funnel is shown
    assert pub.attrs["cellules_masquees"] > 0
    assert "Autres territoires" in pub.index


def test_example_returning_people_are_linked(example):
    ws, ev, j = example
    assert returning_people(ws, threshold=ws.seuil) == 6
    seen = appearances(ws)
    several = seen.groupby("personne")["action"].nunique()
    returning = set(several[several >= 2].index)
    # followed people met at one action and followed in another one's suivi table
    followed = set(ev.loc[ev["source"] == "suivi", "personne"])
    assert len(returning & followed) >= 2
    zoe = j[j["personne"].isin(returning) & (j["issue"] == "installation")]
    assert len(zoe) == 1
    assert zoe.iloc[0]["type_premier_contact"] == "salon"
    assert zoe.iloc[0]["jours_installation"] > 365
