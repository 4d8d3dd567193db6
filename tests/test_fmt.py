import datetime as dt

from vccap import fmt


def test_numbers_use_french_separators():
    assert fmt.nombre(1234.5) == "1\u202f234,5"
    assert fmt.nombre(94) == "94"
    assert fmt.nombre(None) == "—"


def test_shares_amounts_and_dates():
    assert fmt.part(0.875) == "88\u00a0%"
    assert fmt.euros(4500) == "4\u202f500\u00a0€"
    assert fmt.euros(33.3333) == "33,33\u00a0€"
    assert fmt.date(dt.date(2016, 6, 15)) == "15 juin 2016"
    assert fmt.date(dt.date(2016, 3, 1)) == "1er mars 2016"
    assert fmt.periode(dt.date(2016, 6, 15), dt.date(2016, 6, 16)) == "15-16 juin 2016"
    assert fmt.periode(dt.date(2016, 6, 30), dt.date(2016, 7, 2)) == "30 juin – 2 juillet 2016"


def test_value_in_unit():
    assert fmt.valeur(None, "personnes") == "non mesuré"
    assert fmt.valeur(0.5, "part") == "50\u00a0%"
    assert fmt.valeur(4500, "euros") == "4\u202f500\u00a0€"


def test_one_rule_for_euro_amounts_whatever_their_size():
    # whole euros: no decimals, small or large
    assert fmt.euros(95) == "95\u00a0€"
    assert fmt.euros(4500) == "4\u202f500\u00a0€"
    # otherwise two decimals, small or large (a large amount used to lose its cents)
    assert fmt.euros(62.2) == "62,20\u00a0€"
    assert fmt.euros(1234.5) == "1\u202f234,50\u00a0€"
    assert fmt.euros(12345.67) == "12\u202f345,67\u00a0€"
    # rounded to the cent first: a computed 954.999999 is a whole amount
    assert fmt.euros(954.999999) == "955\u00a0€"
    assert fmt.euros(None) == "—"
    # amounts per person follow the same rule (they used to switch at 100 €)
    assert fmt.valeur(150.5, "euros_par_personne") == "150,50\u00a0€"
    assert fmt.valeur(12.25, "euros_par_personne") == "12,25\u00a0€"
    assert fmt.valeur(300, "euros_par_personne") == "300\u00a0€"


def test_names_with_their_article():
    assert fmt.avec_article("CC Pays Diois", "la", "de") == "de la CC Pays Diois"
    assert fmt.avec_article("CC Pays Diois", "la", "avec") == "avec la CC Pays Diois"
    assert fmt.avec_article("Pays Beaujolais", "le", "de") == "du Pays Beaujolais"
    assert fmt.avec_article("Pays Beaujolais", "le", "à") == "au Pays Beaujolais"
    assert fmt.avec_article("Monts du Lyonnais", "les", "de") == "des Monts du Lyonnais"
    assert fmt.avec_article("Monts du Lyonnais", "les", "à") == "aux Monts du Lyonnais"
    assert fmt.avec_article("Ardèche verte", "l'", "de") == "de l'Ardèche verte"
    assert fmt.avec_article("Ardèche verte", "l’", "") == "l'Ardèche verte"  # typographic
    assert fmt.avec_article("Saint-Étienne Métropole", "aucun", "de") == (
        "de Saint-Étienne Métropole"
    )
    assert fmt.avec_article("Oyonnax", "aucun", "de") == "d'Oyonnax"
    assert fmt.avec_article("Oyonnax", "aucun") == "Oyonnax"
    # no article given: a phrasing that needs none, never « de Site de proximité »
    assert fmt.avec_article("Site de proximité du Roannais", "", "de") == (
        "du territoire Site de proximité du Roannais"
    )
    assert fmt.avec_article("CC Pays Diois", None, "avec") == "avec le territoire CC Pays Diois"
    assert fmt.initiale("la CC Pays Diois") == "La CC Pays Diois"
