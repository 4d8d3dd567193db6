"""One normaliser for scrubbing and the audit: every form the scrubber removes, the audit
finds; names that are also words are left alone in plain text (both sides tested)."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest

from vccap import audit, textnorm
from vccap.personal import Finder, HashedValues, PersonalValues, scrub

KEY = b"k" * 32


@pytest.fixture(scope="module")
def finder() -> Finder:
    values = PersonalValues.empty()
    values.update(
        pd.DataFrame(
            {
                "nom": ["Lefèvre", "Canari-Test", "Roux", "Blanc", "Petit", "Marin", "Grand"]
                + ["d’Arcy", "Ba", "Martin", "Martin", "Martin"],
                "prenom": ["Hélène", "Zéphyrine", "Jade", "Paul", "Louis", "Marc", "Rose"]
                + ["Jean-Pierre", "Awa", "Hugo", "Léa", "Hugo"],
                "courriel": ["helene.lefevre@exemple.fr", "zephyrine.canari@exemple-bfc.fr"]
                + [None] * 9
                + ["contact@mairie.fr"],
                "telephone": ["06 11 22 33 44", None, "+44 20 7946 0958"] + [None] * 9,
            }
        )
    )
    return Finder(HashedValues.of(values, KEY), threshold=3)


def scrubbed(text: str, finder: Finder) -> str:
    return scrub(text, finder)


# --------------------------------------------------------------------------- the normaliser


def test_fold_and_clean_make_typographic_forms_plain():
    assert textnorm.fold("LEFÈVRE") == textnorm.fold("lefevre") == "lefevre"
    assert textnorm.clean("d’Arcy\u00a0–\u200bx") == "d'Arcy -x"
    assert [t.folded for t in textnorm.tokens(textnorm.clean("Canari–Test, d’ARCY"))] == [
        "canari",
        "test",
        "d",
        "arcy",
    ]


def test_common_words_are_the_frequent_french_words():
    for word in ("blanc", "petit", "roux", "marin", "grand", "rose", "claire"):
        assert textnorm.is_common_word(word), word
    for name in ("lefevre", "mercier", "dupuis", "martin", "zephyrine"):
        assert not textnorm.is_common_word(name), name


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    "text",
    [
        "Merci à Hélène Lefèvre pour son accueil",
        "Merci à helene lefevre pour son accueil",
        "Merci à HELENE LEFEVRE pour son accueil",
        "Merci à LEFÈVRE Hélène pour son accueil",
        "Merci à H. Lefèvre pour son accueil",
        "Merci à Hélène L. pour son accueil",
        "Merci à Mme LEFÈVRE pour son accueil",
        "Merci à M. Lefevre pour son accueil",
        "Merci à Lefèvre pour son accueil",
        "Merci à Zephyrine Canari-Test pour son accueil",
        "Merci à ZEPHYRINE CANARI–TEST pour son accueil",
        "Merci à Zéphyrine pour son accueil",  # a first name borne by one person only
        "Merci à Jean-Pierre d’Arcy pour son accueil",
        "Merci à Jean-Pierre D'ARCY pour son accueil",
        unicodedata.normalize("NFD", "Merci à Hélène Lefèvre pour son accueil"),  # Mac
        unicodedata.normalize("NFD", "Merci à Zéphyrine pour son accueil"),
        "Merci à **Hélène** Lefèvre pour son accueil",  # markdown emphasis
        "Merci à _Hélène_ **LEFÈVRE** pour son accueil",
        "Merci à Hélène\nLefèvre pour son accueil",  # a line break in the name
        "Merci à lefevre.helene pour son accueil",  # written as an address
        "Merci à helene_lefevre pour son accueil",
        "Merci à H&eacute;l&egrave;ne Lef&#232;vre pour son accueil",  # HTML references
        "Merci à Zéph&shy;yrine Canari-Test pour son accueil",
    ],
)
def test_every_form_of_a_name_is_scrubbed_and_found_by_the_audit(text, finder):
    clean = scrubbed(text, finder)
    assert clean.startswith("Merci à ") and clean.endswith(" pour son accueil"), clean
    assert unicodedata.is_normalized("NFC", clean)
    for name in ("lefevre", "helene", "canari", "zephyrine", "arcy"):
        assert name not in textnorm.fold(clean), clean
    assert "[nom masqué]" in clean
    hits = audit.audit_text(text, "page.html", 1, finder)
    assert hits and {h.kind for h in hits} <= {"nom", "prenom"}
    assert audit.audit_text(clean, "page.html", 1, finder) == []


@pytest.mark.parametrize(
    "text",
    [
        "Un vin blanc, un petit stand et un grand merci.",
        "Blanc ou rouge ? Petit à petit, le Grand Besançon s'y met.",
        "Roux a la cote : la région roux et marin du Grand Est.",
        "Une rose offerte, Claire et nette ; le marin est reparti.",
        "Ba, be, bi : le b.a.-ba.",
        "Rendez-vous à Saint-Marc et à Sainte-Hélène.",
    ],
)
def test_names_that_are_also_words_leave_plain_text_alone(text, finder):
    assert scrubbed(text, finder) == textnorm.clean(text)
    assert audit.audit_text(text, "page.html", 1, finder) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Merci à Jade Roux.", "Merci à [nom masqué]."),
        ("Merci à Roux Jade.", "Merci à [nom masqué]."),
        ("Merci à Mme Roux.", "Merci à Mme [nom masqué]."),
        ("Merci à M. BLANC.", "Merci à M. [nom masqué]."),
        ("Merci à P. Blanc et à Blanc P. !", "Merci à [nom masqué] et à [nom masqué] !"),
        ("PETIT et MARIN sont venus.", "[nom masqué] et [nom masqué] sont venus."),
        ("Docteur Grand, Rose Grand.", "Docteur [nom masqué], [nom masqué]."),
        ("Awa BA et Mme Ba.", "[nom masqué] et Mme [nom masqué]."),
    ],
)
def test_names_that_are_also_words_are_scrubbed_next_to_a_name(text, expected, finder):
    assert scrubbed(text, finder) == expected
    assert audit.audit_text(text, "page.html", 1, finder)


def test_a_dictionary_word_used_mostly_as_a_name_is_scrubbed_alone(finder):
    # "martin" (the bird) is rare; Martin, the surname, is not: it is no common word.
    assert scrubbed("Martin a aimé.", finder) == "[nom masqué] a aimé."


def test_common_first_names_stay_alone_rare_ones_go(finder):
    # Hugo is borne by two people named Martin... and one of Rose, Jade: see the fixture.
    assert scrubbed("Rose a aimé.", finder) == "Rose a aimé."  # a word
    assert scrubbed("Awa a aimé.", finder) == "[nom masqué] a aimé."  # one person
    assert scrubbed("Jade a aimé.", finder) == "[nom masqué] a aimé."
    values = PersonalValues.empty()
    values.update(pd.DataFrame({"nom": ["Dupuis", "Morel", "Girard"], "prenom": ["Hugo"] * 3}))
    common = Finder(HashedValues.of(values, KEY), threshold=3)
    assert scrubbed("Hugo a aimé.", common) == "Hugo a aimé."  # three people: not rare
    assert scrubbed("Hugo Morel a aimé.", common) == "[nom masqué] a aimé."


# --------------------------------------------------------------------------- e-mails, phones


@pytest.mark.parametrize(
    "text",
    [
        "Écrivez-moi : zephyrine.canari [at] exemple-bfc.fr merci",
        "Écrivez-moi : zephyrine.canari(at)exemple-bfc.fr merci",
        "Écrivez-moi : zephyrine.canari @ exemple-bfc.fr merci",
        "Écrivez-moi : zephyrine.canari@exemple-bfc merci",
        "Écrivez-moi : ZEPHYRINE.CANARI@EXEMPLE-BFC.FR merci",
        "Écrivez-moi : zephyrine.canari [arobase] exemple-bfc [point] fr merci",
        "Écrivez-moi : zephyrine.canari merci",  # the local part alone
        "Écrivez-moi : quelqu.un@ailleurs.org merci",  # unknown, by its shape
        "Écrivez-moi : zephyrine point canari arobase exemple-bfc point fr merci",
        "Écrivez-moi : quelqu point un at ailleurs dot org merci",  # spelled, unknown
    ],
)
def test_obfuscated_emails_are_scrubbed_and_found(text, finder):
    clean = scrubbed(text, finder)
    assert clean == "Écrivez-moi : [courriel masqué] merci", clean
    assert {h.kind for h in audit.audit_text(text, "p.html", 1, finder)} & {
        "courriel",
        "motif_courriel",
    }


@pytest.mark.parametrize(
    "text",
    [
        "Voir la règle inline @page du gabarit.",
        "Rendez-vous @ mairie à 18 h.",
        "Un point at the stand, puis le point info.",  # spelled words, no domain: prose
    ],
)
def test_a_spaced_at_sign_in_prose_is_not_an_address(text, finder):
    assert scrubbed(text, finder) == text
    assert not audit.audit_text(text, "p.css", 1, finder)


def test_a_known_address_spaced_without_its_domain_is_still_found(finder):
    text = "Écrivez-moi : zephyrine.canari @ exemple-bfc merci"
    assert scrubbed(text, finder) == "Écrivez-moi : [courriel masqué] merci"


def test_a_plain_word_that_is_a_local_part_stays(finder):
    assert scrubbed("Prenez contact avec la mairie.", finder) == "Prenez contact avec la mairie."


@pytest.mark.parametrize(
    "number",
    [
        "06 11 22 33 44",
        "06.11.22.33.44",
        "06-11-22-33-44",
        "06/11/22/33/44",
        "0611223344",
        "+33 6 11 22 33 44",
        "+33 (0)6 11 22 33 44",
        "0033 6 11 22 33 44",
        "+33611223344",
        "+44 20 7946 0958",
        "0044 20 7946 0958",
        "+1 415 555 2671",
        "+49 30 1234567",
    ],
)
def test_phone_numbers_in_every_form_are_scrubbed_and_found(number, finder):
    text = f"Appelez le {number} demain."
    assert scrubbed(text, finder) == "Appelez le [téléphone masqué] demain."
    assert audit.audit_text(text, "p.html", 1, finder)


def test_a_known_number_is_found_whatever_its_separators(finder):
    text = "réf. 6 11 22 33 44 ou (20) 7946-0958"
    kinds = {h.kind for h in audit.audit_text(text, "p.html", 1, finder)}
    assert kinds == {"telephone"}


@pytest.mark.parametrize(
    "text",
    [
        "Le 01/02/2019 10 personnes, 2 800 €, 12,5 %.",
        "Valeurs : 0.6123456789 et -0.0123456789 ; année 2019-05-14.",
        "SIRET 123 456 789 00012, code 25000 Besançon.",
    ],
)
def test_numbers_that_are_not_phones_stay(text, finder):
    assert scrubbed(text, finder) == text
    assert audit.audit_text(text, "p.html", 1, finder) == []


# --------------------------------------------------------------------------- the audit


def test_the_audit_reads_lines_as_a_reader_sees_them(finder):
    for line in (
        "<p>Z&eacute;phyrine <b>Canari</b>-Test</p>",
        '{"text": "Z\\u00e9phyrine Canari-Test"}',
        "<td>H&#233;l&#232;ne L.</td>",
    ):
        assert audit.audit_text(line, "p.html", 1, finder), line


def test_the_audit_masks_what_it_shows(finder):
    hits = audit.audit_text("Écrire à helene.lefevre@exemple.fr", "p.html", 1, finder)
    assert [h.kind for h in hits] == ["courriel"]
    assert "lefevre" not in hits[0].excerpt


def test_hashed_values_round_trip_and_depend_on_the_key():
    values = PersonalValues.empty()
    values.update(pd.DataFrame({"nom": ["Lefèvre"], "prenom": ["Hélène"], "courriel": ["a@b.fr"]}))
    hashed = HashedValues.of(values, KEY)
    again = HashedValues.empty(KEY)
    again.merge(hashed.as_dict())
    assert again.digest() == hashed.digest()
    assert HashedValues.of(values, b"x" * 32).digest() != hashed.digest()
    text = repr(hashed.as_dict())
    assert "fèvre" not in text and "fevre" not in text and "b.fr" not in text
    other_key = Finder(HashedValues.of(values, b"x" * 32))
    assert scrub("Hélène Lefèvre", other_key) == "[nom masqué]"


def test_a_name_that_is_also_a_place_of_the_workspace_is_found_only_in_context():
    values = PersonalValues.empty()
    values.update(pd.DataFrame({"nom": ["Lyon", "Dupuis"], "prenom": ["Paul", "Nancy"]}))
    hashed = HashedValues.of(values, KEY)
    places = textnorm.words("Métropole de Lyon") + textnorm.words("Pays de Nancy")
    finder = Finder(hashed, 3, places)
    assert scrub("Le salon de Lyon, à Nancy.", finder) == "Le salon de Lyon, à Nancy."
    assert scrub("M. Lyon et Paul Lyon, Nancy Dupuis.", finder) == (
        "M. [nom masqué] et [nom masqué], [nom masqué]."
    )
    assert scrub("Le salon de Lyon, à Nancy.", Finder(hashed, 3)) == (
        "Le salon de [nom masqué], à [nom masqué]."
    )


def test_scrubbing_keeps_the_text_as_typed_around_what_it_masks(finder):
    text = "L’équipe — merci à Zé\u200bphyrine Canari‑Test – et « d’autres »."
    assert scrub(text, finder) == "L’équipe — merci à [nom masqué] – et « d’autres »."
    assert scrub("Rien — ni l’un", finder) == "Rien — ni l’un"


def test_the_audit_of_many_files_in_workers_finds_what_one_process_finds(tmp_path, finder):
    """A site of many pages is audited in worker processes, with a memo of lines already
    searched: the same hits, in the same order (file, then line), as one process without a
    memo; a line repeated on many pages is reported on each."""
    site = tmp_path / "site"
    shared = "<p>Merci à Hélène Lefèvre pour son accueil</p>\n"
    for n in range(audit.PARALLEL_FROM + 5):
        folder = site / ("actions" if n % 2 else "annees")
        folder.mkdir(parents=True, exist_ok=True)
        lines = [f"<h1>Page {n}</h1>\n", "<p>Rien de personnel ici.</p>\n"]
        if n % 7 == 0:
            lines.append(shared)  # the same line on several pages
        if n == 12:
            lines.append("<p>Écrire à zephyrine.canari@exemple-bfc.fr ou au 06 11 22 33 44</p>\n")
        (folder / f"p{n:03}.html").write_text("".join(lines), encoding="utf-8")
    one = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        display = f"site/{path.relative_to(site).as_posix()}"
        for number, line in audit.iter_lines(path):
            one.extend(audit.audit_text(line, display, number, finder))  # no memo
    many = audit.audit(site, finder=finder, jobs=2)
    assert many == one
    assert sum(h.kind == "nom" for h in many) == len(range(0, audit.PARALLEL_FROM + 5, 7))
    assert {h.kind for h in many} >= {"nom", "courriel", "telephone"}
    assert audit.audit(site, finder=finder, jobs=1) == many


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("Merci à Rose Lefèvre pour son accueil", "Merci à [nom masqué] pour son accueil"),
        ("Merci à **Rose** Grand pour son accueil", "Merci à [nom masqué] pour son accueil"),
        ("Merci à LEFÈVRE Rose pour son accueil", "Merci à [nom masqué] pour son accueil"),
        ("Une rose et un grand merci à tous", "Une rose et un grand merci à tous"),
        ("Rose est venue, Lefèvre aussi", "Rose est venue, [nom masqué] aussi"),
        ("x &lt;b&gt; &amp; &nbsp;y", "x &lt;b&gt; &amp; &nbsp;y"),  # markup stays as written
    ],
)
def test_a_first_name_next_to_a_surname_goes_with_it(text, clean, finder):
    """A surname found takes the first name written next to it, even a frequent one that is
    left alone elsewhere (« Rose [nom masqué] » would still name her); a first name that is
    a word, apart from any surname, stays; HTML references that are not letters stay."""
    assert scrubbed(text, finder) == clean
