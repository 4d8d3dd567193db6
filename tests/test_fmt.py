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
