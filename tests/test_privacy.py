import os
import stat

import pandas as pd
import pytest

from vccap import privacy
from vccap.errors import SecretKeyError


def test_secret_key_is_created_once_and_private(tmp_path):
    key = privacy.secret_key(tmp_path)
    path = tmp_path / privacy.KEY_FILE
    assert path.exists()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert privacy.secret_key(tmp_path) == key
    assert len(key) == 32


def test_unreadable_key_is_a_clear_error(tmp_path):
    (tmp_path / privacy.KEY_FILE).write_text("pas une clé", encoding="utf-8")
    with pytest.raises(SecretKeyError) as info:
        privacy.secret_key(tmp_path)
    assert info.value.reason == "illisible"


def test_pseudonymise_drops_personal_fields_and_links_people():
    df = pd.DataFrame(
        {
            "nom": ["Martin", "MARTIN", "Durand", None],
            "prenom": ["Léa", "Léa", "Paul", None],
            "courriel": ["lea@example.org", "LEA@example.org ", "", None],
            "telephone": ["06 12 34 56 78", "", "0600000001", None],
            "profil": ["porteur_de_projet"] * 4,
        }
    )
    out = privacy.pseudonymise(df, b"k" * 32)
    assert set(out.columns) == {"profil", privacy.PSEUDONYM_COLUMN}
    ids = out[privacy.PSEUDONYM_COLUMN].tolist()
    assert ids[0] == ids[1]  # same e-mail, different case
    assert ids[2] != ids[0] and len(ids[2]) == 16
    assert pd.isna(ids[3])  # nobody to identify
    other = privacy.pseudonymise(df, b"x" * 32)[privacy.PSEUDONYM_COLUMN]
    assert other[0] != ids[0]  # the key matters


def test_protect_counts_groups_small_categories():
    counts = pd.Series({"a": 10, "b": 5, "c": 2, "d": 1})
    result = privacy.protect_counts(counts, 3)
    shown = dict(zip(result.table["categorie"], result.table["effectif"], strict=True))
    assert shown == {"a": 10, "b": 5, "Autres (regroupés)": 3}
    assert result.masked == 2
    assert all(v >= 3 for v in shown.values())
    assert sum(shown.values()) == counts.sum()


def test_protect_counts_grows_a_group_that_is_still_too_small():
    counts = pd.Series({"a": 10, "b": 4, "c": 1})
    shown = privacy.protect_counts(counts, 3).table
    values = dict(zip(shown["categorie"], shown["effectif"], strict=True))
    # c alone (1) would be shown as "Autres = 1": b joins the group.
    assert values == {"a": 10, "Autres (regroupés)": 5}


def test_protect_counts_masks_everything_when_total_is_too_small():
    result = privacy.protect_counts(pd.Series({"a": 1, "b": 1}), 3)
    assert result.table.empty and result.masked == 2


def test_scrub_removes_emails_phones_and_known_names():
    values = privacy.PersonalValues.empty()
    values.update(
        pd.DataFrame(
            {
                "nom": ["Bernardin"],
                "prenom": ["Aline"],
                "courriel": ["a@b.fr"],
                "telephone": ["06 11 22 33 44"],
            }
        )
    )
    text = "Merci à aline BERNARDIN (a.b@exemple.fr, 06.11.22.33.44) et à M. Bernardin !"
    clean = privacy.scrub(text, values.name_pattern())
    assert "Bernardin" not in clean and "BERNARDIN" not in clean
    assert "@" not in clean and "06.11" not in clean
    assert "[courriel masqué]" in clean and "[téléphone masqué]" in clean
    assert clean.startswith("Merci à [nom masqué]")


def test_safe_count():
    assert privacy.safe_count(2, 3) is None
    assert privacy.safe_count(0, 3) == 0
    assert privacy.safe_count(7, 3) == 7


def test_last_names_alone_only_match_as_names_not_as_common_words():
    values = privacy.PersonalValues.empty()
    values.update(pd.DataFrame({"nom": ["Rose"], "prenom": ["Jeanne"]}))
    pattern = values.name_pattern()
    assert privacy.scrub("Une rose offerte par Mme Rose.", pattern) == (
        "Une rose offerte par Mme [nom masqué]."
    )


def test_audit_finds_planted_email_phone_and_name(tmp_path):
    out = tmp_path / "reports"
    (out / "actions").mkdir(parents=True)
    (out / "index.html").write_text("<p>Rien de personnel ici : 94 porteurs.</p>", encoding="utf-8")
    (out / "actions" / "a.html").write_text(
        "<p>ok</p>\n<p>Contact : lea.martin@example.org</p>\n<p>Léa Martin a dit</p>\n"
        "<p>tel 06 12 34 56 78</p>\n",
        encoding="utf-8",
    )
    values = privacy.PersonalValues.empty()
    values.update(
        pd.DataFrame(
            {
                "nom": ["Martin"],
                "prenom": ["Léa"],
                "courriel": ["lea.martin@example.org"],
                "telephone": ["0612345678"],
            }
        )
    )
    hits = privacy.audit(out, values)
    kinds = {(h.line, h.kind) for h in hits}
    assert (2, "courriel") in kinds
    assert (3, "nom") in kinds
    assert (4, "telephone") in kinds
    assert all(h.file == "reports/actions/a.html" for h in hits)
    assert all("lea.martin@" not in h.excerpt for h in hits)  # the report itself masks values


def test_audit_ignores_the_vendored_plotly_but_not_a_modified_copy(tmp_path):
    from importlib import resources

    out = tmp_path / "site"
    (out / "assets").mkdir(parents=True)
    original = resources.files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
    (out / "assets" / "plotly.min.js").write_bytes(original)
    assert privacy.audit(out, privacy.PersonalValues.empty()) == []
    (out / "assets" / "plotly.min.js").write_bytes(original + b"\n//x@example.org\n")
    assert privacy.audit(out, privacy.PersonalValues.empty())
