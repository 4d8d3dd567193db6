"""Disclosure control: the policy of every published number, the attacker's linear model,
secondary suppression, and a seeded fuzzer over small random workspaces."""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pytest

from vccap.build.disclosure import control_in_process, page_ledgers
from vccap.disclosure.control import audit, complementary, true_point
from vccap.disclosure.ledger import MISSING, Figure, Ledger
from vccap.disclosure.lp import Model, disclosed
from vccap.disclosure.masks import read_masks
from vccap.disclosure.policy import Publisher
from vccap.disclosure.populations import Populations
from vccap.loading import load_workspace

T = 3
BASE = Figure.count("contacts", action="a")


def _ledger(shown: dict[Figure, int], hidden=(), shares=()) -> Ledger:
    ledger = Ledger("p")
    for figure, value in shown.items():
        ledger.shown(figure, value)
    for figure in hidden:
        ledger.hide(figure)
    for num, den, value in shares:
        ledger.share(num, den, value, 0.005)
    return ledger


# --------------------------------------------------------------------------- the model


def test_a_cell_hidden_in_a_group_of_two_is_not_disclosed():
    led = _ledger(
        {
            BASE: 10,
            BASE.where("profil", "x"): 5,
            BASE.where("profil", ["x", MISSING], negate=True): 5,
        },
        hidden=[BASE.where("profil", "y"), BASE.where("profil", "z")],
    )  # fmt: skip
    lo, hi = Model([led]).bounds(BASE.where("profil", "y"))
    assert (lo, hi) == (0, 5) and not disclosed(lo, hi, T)


def test_a_cell_given_back_by_a_total_is_disclosed():
    led = _ledger(
        {BASE: 10, BASE.where("profil", "x"): 5, BASE.where("profil", "z"): 4},
        hidden=[BASE.where("profil", "y")],
    )
    model = Model([led])
    lo, hi = model.bounds(BASE.where("profil", "y"))
    assert hi <= 1 and disclosed(lo, hi, T)  # y + missing = 1
    # hiding z as well protects it
    assert not disclosed(*model.bounds(BASE.where("profil", "y"), drop={led_key(BASE, "z")}), T)


def led_key(base: Figure, value: str) -> str:
    return base.where("profil", value).key()


def test_a_rounded_rate_and_its_base_give_back_the_complement():
    """15 answers, 93 %: 14 satisfied, so the hidden « pas satisfait » is 1."""
    sat = Figure.count("satisfaction", action="a")
    answered = sat.where("q", MISSING, negate=True)
    happy = answered.where("q", ["tres", "sat"])
    led = _ledger(
        {sat: 15, answered: 15}, hidden=[sat.where("q", "pas")], shares=[(happy, answered, 0.93)]
    )
    lo, hi = Model([led]).bounds(sat.where("q", "pas"))
    assert hi < 1.5 and disclosed(lo, hi, T)  # at most 1: the 15th answer
    # without the rate, nothing pins it
    assert not disclosed(*Model([led], drop=list(led.shares)).bounds(sat.where("q", "pas")), T)


def test_two_pages_together_give_back_what_neither_shows():
    """A fair's 12 partners; the pages of three territories show 5 and 5 and hide the third."""
    report = _ledger(
        {BASE.where("profil", "partenaire"): 12}
        | {BASE.where("territoire", t): n for t, n in (("t1", 20), ("t2", 20), ("t3", 20))}
    )
    pages = []
    for t, partners in (("t1", 5), ("t2", 5)):
        pages.append(_ledger({BASE.where("territoire", t).where("profil", "partenaire"): partners}))
    third = BASE.where("territoire", "t3").where("profil", "partenaire")
    pages.append(_ledger({}, hidden=[third]))
    lo, hi = Model([report, *pages]).bounds(third)
    assert round(hi) == 2 and disclosed(lo, hi, T)  # 12 - 5 - 5, unless others had some
    # each page alone does not tell it
    assert not disclosed(*Model([pages[2], report]).bounds(third), T)


def test_complementary_suppression_makes_the_disclosed_cell_safe():
    shown = {BASE: 10, BASE.where("profil", "x"): 5, BASE.where("profil", "z"): 4}
    led = _ledger(shown, hidden=[BASE.where("profil", "y")])
    pops = Populations({"contacts": _frame(x=5, y=1, z=4)})
    result = audit([led], pops, T)
    assert len(result.findings) == 1 and result.small == 1
    chosen = complementary([led], result.findings, T)
    assert chosen and not disclosed(*Model([led], drop=chosen).bounds(result.findings[0].figure), T)
    assert BASE.key() not in chosen or len(chosen) == 1


def _frame(**counts):
    import pandas as pd

    rows = [{"action": "a", "profil": k} for k, n in counts.items() for _ in range(n)]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- the policy


def test_small_counts_and_masked_figures_are_hidden_and_zero_is_shown():
    pub = Publisher("p", T, masks=frozenset({BASE.where("profil", "m").key()}))
    assert pub.count(BASE.where("profil", "x"), 2) is None
    assert pub.count(BASE.where("profil", "y"), 0) == 0
    assert pub.count(BASE.where("profil", "z"), 7) == 7
    assert pub.count(BASE.where("profil", "m"), 50) is None
    assert set(pub.ledger.hidden) == {led_key(BASE, "x"), led_key(BASE, "m")}


def test_a_breakdown_groups_small_categories_and_few_missing_answers():
    pub = Publisher("p", T)
    out = pub.breakdown(BASE, "profil", {"a": 10, "b": 2, "c": 6}, {"a": "A", "c": "C"}, missing=1)
    assert out.table.values.tolist() == [["A", 10], ["C", 6], ["Autres (regroupés)", 3]]
    assert out.grouped_missing and out.total == 19
    assert BASE.where("profil", MISSING).key() in pub.ledger.hidden
    lo, hi = Model([_ledger({BASE: 19}), pub.ledger]).bounds(BASE.where("profil", "b"))
    assert not disclosed(lo, hi, T)


def test_a_group_too_small_takes_the_smallest_shown_category():
    pub = Publisher("p", T)
    out = pub.breakdown(BASE, "profil", {"a": 10, "b": 1, "c": 4}, {})
    assert out.table.values.tolist() == [["a", 10], ["Autres (regroupés)", 5]]
    assert out.masked == 2


def test_a_category_hidden_by_secondary_suppression_gets_no_group():
    """A masked category is not put in « Autres »: the group would be a new sum of the people
    the audit protects, and the next round would have to hide it in turn."""
    masked = frozenset({BASE.where("profil", "b").key()})
    pub = Publisher("p", T, masks=masked)
    out = pub.breakdown(BASE, "profil", {"a": 10, "b": 5, "c": 1, "d": 6}, {"a": "A"}, missing=1)
    assert out.table.values.tolist() == [["A", 10], ["d", 6]]
    assert out.masked == 2
    assert set(pub.ledger.counts) == {led_key(BASE, "a"), led_key(BASE, "d")}
    assert {led_key(BASE, "b"), led_key(BASE, "c")} <= set(pub.ledger.hidden)


def test_everybody_too_few_publishes_nothing():
    pub = Publisher("p", T)
    out = pub.breakdown(BASE, "profil", {"a": 1, "b": 1}, {})
    assert out.table.empty and not pub.ledger.counts


def test_a_satisfaction_scale_is_coarsened_never_satisfied_among_others():
    pub = Publisher("p", T)
    classes = [
        ("Satisfaits ou très satisfaits", ["ts", "s"]),
        ("Peu ou pas satisfaits", ["p", "ps"]),
    ]
    levels = {"ts": 6, "s": 5, "p": 3, "ps": 1}
    out = pub.scale(BASE, "q", levels, {}, classes)
    assert out.table.values.tolist() == [
        ["Satisfaits ou très satisfaits", 11],
        ["Peu ou pas satisfaits", 4],
    ]
    fine = pub.scale(
        BASE.where("action", "b"), "q", {"ts": 6, "s": 5, "p": 3, "ps": 3}, {}, classes
    )
    assert len(fine.table) == 4
    blank = pub.scale(
        BASE.where("action", "c"), "q", {"ts": 6, "s": 5, "p": 3, "ps": 3}, {}, classes, missing=1
    )
    assert blank.table["libelle"].tolist()[-1] == "Peu ou pas satisfaits, ou sans réponse"
    none = pub.scale(
        BASE.where("action", "d"), "q", {"ts": 6, "s": 5, "p": 1, "ps": 1}, {}, classes
    )
    assert none.table.empty  # a class still small hides the question


def test_a_share_is_shown_only_over_enough_people_and_when_it_hides_nothing():
    pub = Publisher("p", T)
    num, den = BASE.where("profil", "x"), BASE
    assert pub.share(num, den, 2, 2) is None  # two answers
    assert pub.share(num, den, 14, 15) is None  # the complement, 1, would follow
    assert pub.share(num, den, 0, 15) == 0
    assert pub.share(BASE.where("profil", "y"), den, 10, 15) == pytest.approx(2 / 3)
    assert len(pub.ledger.shares) == 2


# --------------------------------------------------------------------------- workspaces


def _workspace(root: Path, seed: int) -> Path:
    """A small random workspace: two salons and a session, few people, many small cells."""
    rng = random.Random(seed)
    root.mkdir(parents=True)
    territories = [f"t{i}" for i in range(rng.randint(3, 6))]
    (root / "demarche.yml").write_text(
        "nom: Démarche de test\nregion: Test\nannees: [2020]\nseuil_confidentialite: 3\n",
        encoding="utf-8",
    )
    (root / "territoires.csv").write_text(
        "id,nom,milieu,departement\n"
        + "".join(
            f"{t},Territoire {t.upper()},rural,0{i + 1}\n" for i, t in enumerate(territories)
        ),
        encoding="utf-8",
    )
    (root / "structures.csv").write_text(
        "id,nom,categorie,milieu,territoire\ns1,Structure un,association,urbain,\n"
        "s2,Structure deux,emploi,urbain,\n",
        encoding="utf-8",
    )
    profiles = ["porteur de projet"] * 4 + ["partenaire", "élu", "autre"]
    sectors = ["tourisme", "artisanat", "commerce", "numérique", ""]
    codes = ["69001", "42000", "07000", "38000", "", "75011"]
    for n, (kind, month) in enumerate((("salon", 3), ("salon", 6), ("session_porteurs", 9))):
        action_id = f"2020-{month:02d}-{kind.replace('_', '-')}-{n}"
        folder = root / "actions" / action_id
        folder.mkdir(parents=True)
        named = rng.sample(territories, rng.randint(1, len(territories)))
        (folder / "action.yml").write_text(
            f"id: {action_id}\ntitre: Action {n}\ntype: {kind}\nstatut: realisee\n"
            f"date_debut: 2020-{month:02d}-10\nlieu: Lyon\nterritoires: [{', '.join(named)}]\n"
            "source: données d'exemple fictives\n",
            encoding="utf-8",
        )
        people = rng.randint(3, 25)
        if kind == "salon":
            lines = [
                "Date,Territoire,Profil,Nom,Courriel,Code postal,Secteur du projet,Suite souhaitée"
            ]
            for i in range(people):
                lines.append(
                    f"2020-{month:02d}-10,{rng.choice(territories)},{rng.choice(profiles)},"
                    f"Nom{seed}x{n}x{i},p{seed}.{n}.{i}@exemple.org,{rng.choice(codes)},"
                    f"{rng.choice(sectors)},{rng.choice(['oui', 'non', ''])}"
                )
            (folder / "contacts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        else:
            lines = ["Profil,Nom,Courriel,Code postal,Territoire visé,Secteur du projet"]
            for i in range(people):
                lines.append(
                    f"{rng.choice(profiles)},Nom{seed}p{i},q{seed}.{i}@exemple.org,"
                    f"{rng.choice(codes)},{rng.choice(territories + [''])},{rng.choice(sectors)}"
                )
            (folder / "participants.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        levels = ["très satisfait", "satisfait", "peu satisfait", "pas satisfait", ""]
        answers = ["Profil,Satisfaction globale,Utilité"] + [
            f"{rng.choice(profiles)},{rng.choice(levels)},{rng.choice(levels)}"
            for _ in range(rng.randint(0, 16))
        ]
        (folder / "satisfaction.csv").write_text("\n".join(answers) + "\n", encoding="utf-8")
    return root


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_small_workspaces_leave_nothing_recoverable(tmp_path, seed):
    """Seeded fuzzer: pages prepared as the build does, control rounds until safe; then an
    independent audit of everything published finds no hidden small cell pinned."""
    ws = load_workspace(_workspace(tmp_path / "ws", seed))
    assert not ws.general_problems()
    result = control_in_process(ws)
    assert result.findings == []
    ws = load_workspace(ws.root)  # fresh: pages read the masks the control chose
    ledgers = page_ledgers(ws)
    pops = Populations.of(ws)
    for ledger in ledgers.values():  # what pages publish is what the model says they count
        for figure, value in ledger.counts.values():
            assert pops.value(figure) == value, (ledger.page, figure.key())
        for num, den, value, _ in ledger.shares.values():
            assert pops.value(num) / pops.value(den) == pytest.approx(value), ledger.page
    again = audit(list(ledgers.values()), pops, ws.seuil, masks=read_masks(ws.root))
    assert again.findings == [] and again.small == result.small
    for ledger in ledgers.values():  # no small count is ever shown
        assert all(not 0 < v < ws.seuil for _, v in ledger.counts.values())


@pytest.mark.parametrize(
    ("seed", "local", "truth"), [(5, 4000, False), (6, 4000, True), (7, 6, False), (8, 6, True)]
)
def test_the_quick_answer_is_the_answer_of_both_programmes(
    tmp_path, seed, local, truth, monkeypatch
):
    """``Model.is_disclosed`` skips programmes with points kept from earlier ones and with
    small local programmes (inner ranges that prove a cell safe, outer ones that prove it
    disclosed): on random workspaces, with and without dropped figures, it says what the two
    bounds say (``local``: the largest neighbourhood, small to force the local programmes
    into these small blocks; ``truth``: the true counts given as a known solution)."""
    from vccap.disclosure import lp, lpblock

    monkeypatch.setattr(lp, "LOCAL_MAX", local)
    monkeypatch.setattr(lpblock, "LOCAL_ROW", min(local, lpblock.LOCAL_ROW))
    ws = load_workspace(_workspace(tmp_path / "ws", seed))
    ledgers = list(page_ledgers(ws).values())
    hidden = {k: f for led in ledgers for k, f in led.hidden.items()}
    published = sorted({k for led in ledgers for k in (*led.counts, *led.shares)})
    rng = random.Random(seed)
    drops = [set(), *(set(rng.sample(published, 3)) for _ in range(3)), set(published)]
    quick, exact = Model(ledgers), Model(ledgers)
    if truth:
        assert quick.use_point(true_point(quick, Populations.of(ws)))
    answers = []
    for drop in drops:
        for key in sorted(hidden):
            for t in (2, 3, 5):
                low, high = exact.bounds(hidden[key], drop=drop)
                expected = disclosed(low, high, t)
                assert quick.is_disclosed(hidden[key], t, drop=drop) == expected, (key, drop, t)
                answers.append(expected)
                if expected:  # the bounds given for a disclosed cell contain the true range
                    given = quick.last_bounds
                    assert given[0] <= low + 1e-6 and given[1] >= high - 1e-6, (key, given)
    assert True in answers and False in answers  # both kinds of cells were asked about
    assert quick.kept_points > 0
    assert quick.answered["points"] > 0
    assert quick.answered["solved"] + quick.answered["outer"] > 0
    if local < 10:
        assert quick.answered["local"] > 0


def test_secondary_suppression_needing_many_figures_converges(tmp_path):
    """A synthetic workspace where one small cell is pinned through many linked pages (no
    single figure protects it, nor the first dozen candidates): one round of control makes
    every cell safe, with few complementary cells, and an independent audit agrees."""
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location(
        "vccap_synth", ROOT / "benchmarks" / "synthetic.py"
    )
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    ws = load_workspace(synthetic.make_workspace(tmp_path / "ws", 12))
    result = control_in_process(ws)
    assert result.findings == [] and 0 < result.secondary <= 20
    ws = load_workspace(ws.root)
    ledgers = page_ledgers(ws)
    again = audit(list(ledgers.values()), Populations.of(ws), ws.seuil, masks=read_masks(ws.root))
    assert again.findings == [] and again.small > 100


@pytest.mark.parametrize("seed", [5, 6])
def test_the_audit_in_worker_processes_answers_as_one_process(tmp_path, seed, monkeypatch):
    """Many small hidden cells are asked in forked worker processes: the same cells found
    safe and disclosed, in the same order, as in one process, with the same figures; each
    disclosed cell's bounds contain its true range."""
    from vccap.disclosure import control

    ws = load_workspace(_workspace(tmp_path / "ws", seed))
    ledgers = list(page_ledgers(ws).values())
    pops = Populations.of(ws)
    one = audit(ledgers, pops, 5)  # a high threshold: more small cells, some disclosed
    monkeypatch.setattr(control, "PARALLEL_FROM", 1)
    many = audit(ledgers, pops, 5, jobs=2)
    assert many.small == one.small > 2
    assert many.safe == one.safe
    assert [(f.page, f.figure.key()) for f in many.findings] == [
        (f.page, f.figure.key()) for f in one.findings
    ]
    assert one.findings, "no disclosed cell: the test would not compare bounds"
    exact = Model(ledgers)
    for finding in many.findings:
        low, high = exact.bounds(finding.figure)
        assert finding.low <= math.ceil(low - 1e-6) and finding.high >= math.floor(high + 1e-6)


@pytest.mark.parametrize("seed", [5, 6])
def test_a_cell_proven_safe_cheaply_is_safe(tmp_path, seed):
    """``Model.proven_safe`` (kept solutions and inner ranges only, which secondary
    suppression tries first) never says safe for a cell the exact bounds disclose, with or
    without dropped figures; and it does prove some cells safe."""
    ws = load_workspace(_workspace(tmp_path / "ws", seed))
    ledgers = list(page_ledgers(ws).values())
    hidden = {k: f for led in ledgers for k, f in led.hidden.items()}
    published = sorted({k for led in ledgers for k in (*led.counts, *led.shares)})
    rng = random.Random(seed)
    drops = [set(), *(set(rng.sample(published, 4)) for _ in range(3))]
    quick, exact = Model(ledgers), Model(ledgers)
    assert quick.use_point(true_point(quick, Populations.of(ws)))
    proven = 0
    for drop in drops:
        for key in sorted(hidden):
            for t in (2, 3, 5):
                if quick.proven_safe(hidden[key], t, drop=drop):
                    proven += 1
                    assert not disclosed(*exact.bounds(hidden[key], drop=drop), t), (key, t)
    assert proven > 0
    assert quick.answered["solved"] == 0 and quick.answered["outer"] == 0


def test_the_candidates_kept_are_those_needed_found_by_halves():
    """Secondary suppression shows again the candidates not needed by halves: it keeps
    exactly those the safety test needs (here two of forty), with far fewer tests than one
    per candidate."""
    from vccap.disclosure.control import _needed

    keys = [f"k{i:02}" for i in range(40)]
    calls = []

    def safe(hidden):
        calls.append(1)
        return {"k07", "k31"} <= set(hidden) or {"k07", "k39"} <= set(hidden)

    kept = _needed(safe, keys[:-1], [keys[-1]]) + [keys[-1]]
    assert kept == ["k07", "k39"]
    assert safe(kept)
    assert len(calls) < 20
    assert _needed(safe, keys, ["k07", "k31"]) == []


def test_candidates_come_in_the_documented_order():
    """The candidates to hide for a disclosed cell: figures published since the last round
    first, then shares on the same rows, then counts from the cheapest page to hide (a
    territory's before a yearly review's before an action's), the closest to the cell, the
    finest, the smallest; never a count under the threshold, never another population.
    One index serves every disclosed cell (the same answer as asking afresh)."""
    from vccap.disclosure.control import Published, candidates

    target = Figure.count("contacts", action="a", profil="x")
    near = Figure.count("contacts", action="a", profil="y")  # shares the action
    far = Figure.count("contacts", action="b", profil="y")  # same population only
    total = Figure.count("contacts", action="a")
    other = Figure.count("participants", action="a")  # another population
    tiny = Figure.count("contacts", action="a", profil="z")
    fresh = Figure.count("contacts", action="c")
    territory = Ledger("territoires/t")
    territory.shown(far, 9)
    territory.shown(fresh, 7)
    review = Ledger("annees/2016")
    review.shown(near, 5)
    report = Ledger("actions/a")
    report.shown(total, 20)
    report.shown(near, 5)
    report.shown(other, 12)
    report.shown(tiny, 2)
    report.share(near, total, 0.25, 0.005)
    ledgers = [territory, review, report]
    got = candidates(ledgers, target, T, fresh=[fresh.key()])
    share = f"{near.key()}/{total.key()}"
    assert got == [fresh.key(), share, far.key(), near.key(), total.key()]
    index = Published(ledgers)
    for figure in (target, near, far, other, tiny):
        assert index.candidates(figure, T) == candidates(ledgers, figure, T)
    assert other.key() in index.candidates(Figure.count("participants", profil="x"), T)


@pytest.mark.parametrize("seed", [5, 6])
def test_the_next_round_asks_again_only_where_something_new_is_published(tmp_path, seed):
    """A round of audit after secondary suppression does not ask again the cells found safe
    when nothing published since touches their block of the model: with nothing new, it
    asks only the cells it found disclosed; with one new figure (here the exact value of a
    cell found safe), it asks only the cells of that figure's block, and says what an audit
    from scratch says."""
    from vccap.disclosure.control import targets

    ws = load_workspace(_workspace(tmp_path / "ws", seed))
    ledgers = list(page_ledgers(ws).values())
    pops = Populations.of(ws)
    first = audit(ledgers, pops, 5)
    assert first.asked == first.small > 2
    same = audit(ledgers, pops, 5, previous=first)  # only the disclosed ones asked again
    assert same.asked == len(first.findings) and same.safe == first.safe
    assert [f.figure.key() for f in same.findings] == [f.figure.key() for f in first.findings]
    cells = [f for _, f in targets(ledgers, pops, 5) if f.key() in first.safe]
    cell = next(f for f in cells if f.populations == {"contacts"})
    extra = Ledger("territoires/ailleurs")
    extra.shown(cell, pops.value(cell))
    second = audit([*ledgers, extra], pops, 5, previous=first)
    fresh = audit([*ledgers, extra], pops, 5)
    assert 0 < second.asked < second.small
    assert second.safe == fresh.safe
    found = [(f.page, f.figure.key()) for f in second.findings]
    assert found == [(f.page, f.figure.key()) for f in fresh.findings]
    assert cell.key() in {key for _, key in found}
    assert audit(ledgers, pops, 3, previous=first).asked > 0  # another threshold: all asked


@pytest.mark.parametrize("seed", [8, 12])
def test_secondary_suppression_in_workers_chooses_what_one_process_chooses(
    tmp_path, seed, monkeypatch
):
    """Disclosed cells are protected by groups of the model's blocks; groups share nothing,
    so forked workers choose the same masks as one process. Candidates come from the cell's
    own blocks only, and the masks chosen protect every cell."""
    from vccap.disclosure import control

    ws = load_workspace(_workspace(tmp_path / "ws", seed))
    ledgers = list(page_ledgers(ws).values())
    pops = Populations.of(ws)
    first = audit(ledgers, pops, 3)
    model = Model(ledgers)
    groups = control._groups(model, first.findings)
    assert len(groups) > 1, "one group: the test would not share anything"
    one = complementary(ledgers, first.findings, 3, populations=pops)
    monkeypatch.setattr(control, "COMPLEMENTARY_PARALLEL_FROM", 1)
    many = complementary(ledgers, first.findings, 3, populations=pops, jobs=2)
    assert many == one and one
    where = model.key_blocks()
    blocks = set().union(*(control._blocks_of(model, f.figure) for f in first.findings))
    assert {where[k] for k in one} <= blocks
    exact = Model(ledgers)
    for finding in first.findings:
        assert not disclosed(*exact.bounds(finding.figure, drop=one), 3), finding.figure.key()


@pytest.mark.parametrize("seed", [5, 6])
def test_points_spread_over_many_cells_are_solutions_and_answer_as_the_programmes(tmp_path, seed):
    """``Model.spread`` keeps, before the questions, solutions that move many small cells at
    once: each is a solution of its whole block (every published figure holds), the
    answers after it are those of the two exact bounds, and the kept points answer more
    questions than without it."""
    from vccap.disclosure.control import targets

    ws = load_workspace(_workspace(tmp_path / "ws", seed))
    ledgers = list(page_ledgers(ws).values())
    pops = Populations.of(ws)
    small = [figure for _, figure in targets(ledgers, pops, 5)]
    plain, spread, exact = Model(ledgers), Model(ledgers), Model(ledgers)
    for model in (plain, spread):
        assert model.use_point(true_point(model, pops))
    cells = spread.cells_by_block(small)
    found = spread.spread(cells, 5)
    assert sum(len(xs) for xs in found.values()) > 0
    for block, xs in found.items():
        part = spread._block(block)
        for x in xs:
            assert (x >= -1e-9).all()
            got = part.matrix @ x
            eq = part.kinds == "eq"
            assert np.allclose(got[eq], part.rhs[eq], atol=1e-6)
            assert (got[~eq] <= part.rhs[~eq] + 1e-6).all()
    copy = Model(ledgers)
    copy.use_point(true_point(copy, pops))
    copy.keep_points(found)  # what a forked worker hands back
    assert copy.kept_points == spread.kept_points
    for figure in small:
        expected = disclosed(*exact.bounds(figure), 5)
        assert spread.is_disclosed(figure, 5) == expected == plain.is_disclosed(figure, 5)
    assert spread.answered["points"] > plain.answered["points"]


def test_a_blocks_first_programme_answers_as_the_simplex():
    """A block's first programme runs the interior point method (then the simplex goes on
    from its basis): bounded, unbounded and relaxed questions, asked first or after others,
    get the values the simplex alone gives."""
    from scipy import sparse

    from vccap.disclosure.lpblock import Block

    rng = np.random.default_rng(3)
    for _ in range(20):
        n, m = 12, 5
        matrix = sparse.csr_matrix((rng.random((m, n)) < 0.4).astype(float))
        point = rng.integers(0, 6, n).astype(float)
        rhs = matrix @ point
        kinds = np.array(["eq"] * (m - 1) + ["ub"])
        questions = [
            (rng.integers(-1, 2, n).astype(float), list(rng.choice(m, rng.integers(0, 2))), s)
            for s in (True, False, True)
        ]
        for first in range(len(questions)):
            order = questions[first:] + questions[:first]
            whole = Block(matrix, kinds, rhs, np.arange(n), np.arange(m), witness=point)
            plain = Block(matrix, kinds, rhs, np.arange(n), np.arange(m), keep=False)
            for cost, drop, minimize in order:
                got = whole.solve(cost, drop, minimize=minimize)
                want = plain.solve(cost, drop, minimize=minimize)
                assert got == pytest.approx(want, abs=1e-6), (cost, drop, minimize)
