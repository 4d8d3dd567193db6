"""Checks over the cells of a table: numbers and dates decided per column, formulas, long
cells, look-alike columns, far dates and repeated rows (helpers of :mod:`table`)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from vccap.errors import AVERTISSEMENT
from vccap.messages import lines_text
from vccap.normalize import fold
from vccap.reading import columns as C
from vccap.reading.dates import MONTH_NAMES, DateColumn, native_dates
from vccap.reading.expected import (
    EXPECTED_AMBIGUOUS_DATE,
    EXPECTED_AMBIGUOUS_DATE_VALUE,
    EXPECTED_AMOUNT_DECIMALS,
    EXPECTED_DATE,
    EXPECTED_FORMULA,
    EXPECTED_INTEGER,
    EXPECTED_LONG_CELL,
    EXPECTED_MIXED_ORDERS,
    EXPECTED_NUMBER,
)
from vccap.reading.grid import MAX_CELL
from vccap.reading.numbers import NumberColumn, ambiguous_text, decide, scientific_text
from vccap.reading.rows import duplicate_rows, note_rows, repeated_keys, sum_rows, total_rows
from vccap.reading.spreadsheet import column_letter
from vccap.schemas import Field

#: Fields whose cells never label a total line (not looked at, for speed).
NOT_LABELS = {"courriel", "telephone", "code_postal", "date", "suite_souhaitee", "souhait_suite"}
_TOTAL_LEFT_OUT = (
    "ligne de total laissée de côté (elle n'est pas un enregistrement : ses montants ne sont "
    "pas additionnés une seconde fois)"
)
#: Fields holding an amount of money (more than two decimals is a problem).
AMOUNT_FIELDS = {("couts", "montant")}
PERSON_KEYS = {"participants": "courriel", "contacts": "courriel"}
#: How far from the action's dates a table's date may lie before it is flagged (days).
BEFORE, AFTER = 365, {"suivi": 5 * 365}


def _row_numbers(col: C.Column, rows: np.ndarray) -> np.ndarray:
    """The numbers of a column's rows (float, NaN when empty or not a sure number)."""
    uniq = col.uniq
    column = NumberColumn(np.array([u if isinstance(u, str) else "" for u in uniq], dtype=object))
    values, _, _ = column.values(decide(column.evidence))
    for i, u in enumerate(uniq):
        if isinstance(u, float | int) and not isinstance(u, bool):
            values[i] = float(u)
    return values[col.codes[rows]]


def left_out_rows(reader, grid, grid_cols, rows, mapping, titles) -> np.ndarray:
    """The rows (grid indexes, of ``rows``) that are records; the others, each with a
    warning: total rows (a label such as « Total » or « Coût total » outside free text, a
    SUM formula, or no label and amounts that are the sum of the records above) and note
    lines typed under the table (« NB : chiffres provisoires »). ``titles`` maps a column
    position to its header as written."""
    fields = {j: reader.schema.field(name) for j, name in mapping.items()}
    empty = {j: col.empty()[rows] for j, col in enumerate(grid_cols)}
    labels = [
        (j, col.texts(), col.codes[rows])
        for j, col in enumerate(grid_cols)
        if j not in fields or not (fields[j].name in NOT_LABELS or fields[j].texte_libre)
    ]
    personal = {j: ~empty[j] for j, f in fields.items() if f.personnel}
    total, label = total_rows(labels, len(rows), personal)
    if grid.sums:
        total |= np.isin(grid.lines[rows], list(grid.sums))
    for i in np.flatnonzero(total):
        line = int(grid.lines[rows[i]])
        shown = label[i] or next((u[c[i]] for _, u, c in labels if u[c[i]]), "")
        reader.add(_TOTAL_LEFT_OUT, "ligne_total", line, value=shown, severity=AVERTISSEMENT,
                   rows=(line,))  # fmt: skip
    numbers = [j for j, f in fields.items() if f.type in ("number", "integer")]
    blank = ~total
    for j in empty:
        if j not in numbers:
            blank &= empty[j]
    if numbers and blank.any():
        sums = sum_rows([_row_numbers(grid_cols[j], rows) for j in numbers], blank, total)
        for i in np.flatnonzero(sums):
            line = int(grid.lines[rows[i]])
            j = next(j for j in numbers if not empty[j][i])
            value = grid_cols[j].texts()[grid_cols[j].codes[rows[i]]]
            reader.add("ligne de total sans libellé (ce nombre est la somme des lignes au-dessus) "
                       "laissée de côté" + _TOTAL_LEFT_OUT.removeprefix("ligne de total laissée "
                       "de côté"), "ligne_total", line, titles.get(j), value,
                       severity=AVERTISSEMENT, rows=(line,))  # fmt: skip
        total |= sums
    filled = np.sum([~e for e in empty.values()], axis=0) if empty else np.zeros(len(rows))
    texts = np.full(len(rows), "", dtype=object)
    for i in np.flatnonzero((filled == 1) & ~total):
        j = next(j for j in empty if not empty[j][i])
        if not (j in fields and fields[j].texte_libre):  # a comment alone is an answer
            texts[i] = grid_cols[j].texts()[grid_cols[j].codes[rows[i]]]
    notes = note_rows(np.where(total, 0, filled), texts)
    for i in np.flatnonzero(notes):
        line = int(grid.lines[rows[i]])
        reader.add("note sous le tableau laissée de côté (ce n'est pas un enregistrement ; "
                   "pour la garder, écrivez-la plutôt dans retour_experience.md)", "ligne_note",
                   line, value=texts[i], severity=AVERTISSEMENT, rows=(line,))  # fmt: skip
    return rows[~(total | notes)]


def check_lookalikes(reader, schema, columns, mapping, headers, header_row, header_line, rows):
    """An ignored column whose values are all in a missing field's vocabulary is a warning."""
    missing = [f for f in schema.fields if f.enum and f.name not in headers]
    if not missing:
        return
    for j, values in enumerate(columns):
        written = C.text_of(values[header_row])
        if j in mapping or not written:
            continue
        cells = {fold(C.text_of(v)) for v in values[rows][:500]} - {""}
        if not cells:
            continue
        for f in missing:
            known = f.value_map()
            if cells <= set(known):
                reader.add(f"colonne non reconnue dont les valeurs sont celles de « {f.title} » : "
                           f"renommez-la « {f.title} » ou déclarez-la dans correspondances.yml",
                           "colonne_semblable", header_line, written, written,
                           severity=AVERTISSEMENT, position=j)  # fmt: skip
                break


def check_cells(reader, grid, data_cols, lines, headers, positions, mapping, columns, header_row):
    """Formulas never computed and cells longer than a spreadsheet allows."""
    kept = set(lines.tolist())
    for line, j in sorted(grid.uncomputed):  # the cell stays empty; its error says why
        if line in kept and j < len(columns):
            written = C.text_of(columns[j][header_row])
            letter = column_letter(grid.column_number(j))
            reader.add(EXPECTED_FORMULA, "formule", line, written or letter, "",
                       position=j)  # fmt: skip
    for j, col in data_cols.items():
        texts = C.as_texts(col.uniq)
        if max(map(len, texts.tolist()), default=0) <= MAX_CELL:
            continue
        too_long = np.array([isinstance(u, str) and len(u) > MAX_CELL for u in col.uniq])
        hit = too_long[col.codes]
        written = C.text_of(columns[j][header_row])
        for i in np.flatnonzero(hit)[:5]:
            value = col.uniq[col.codes[i]]
            expected = EXPECTED_LONG_CELL.format(limit=MAX_CELL, count=len(value))
            reader.add(expected, "cellule_longue", int(lines[i]), written, value, position=j)
        uniq = col.uniq.copy()
        uniq[too_long] = ""
        data_cols[j] = C.Column(col.codes, uniq, col.identity)


def number_columns(data_cols, headers, positions, schema):
    out = {}
    for name in headers:
        f = schema.field(name)
        if f.type in ("number", "integer"):
            col = data_cols[positions[name]]
            texts = np.array([u if isinstance(u, str) else "" for u in col.uniq], dtype=object)
            out[name] = NumberColumn(texts)
    return out


def convert_numbers(kind, f: Field, column: NumberColumn, uniq, empty, native, file_evidence):
    decimal = decide(column.evidence, file_evidence)
    values, ambiguous, decimals = column.values(decimal)
    for i in np.flatnonzero(native):
        v = uniq[i]
        values[i] = float(v) if isinstance(v, float | int) and not isinstance(v, bool) else np.nan
        ambiguous[i] = False
        decimals[i] = 0
    issues = []
    amount = (kind, f.name) in AMOUNT_FIELDS
    integer = 0 if f.type == "integer" else None
    amb = ambiguous & ~empty
    for i in np.flatnonzero(amb):
        text = ambiguous_text(str(uniq[i]), places=2 if amount else integer)
        issues.append((only(i, len(uniq)), "nombre_ambigu", text))
    # Scientific notation (« 1,23E+05 » as Excel writes a rounded number): never read.
    scientific = column.scientific & ~empty & ~native
    for i in np.flatnonzero(scientific):
        text = scientific_text(str(uniq[i]), float(values[i]))
        issues.append((only(i, len(uniq)), "notation_scientifique", text))
    values[scientific] = np.nan
    amb |= scientific
    bad = ~empty & np.isnan(values) & ~amb
    if f.type == "integer":
        with np.errstate(invalid="ignore"):
            integral = (values == np.floor(values)) & (np.abs(values) < 2**53)
        bad = ~empty & ~integral & ~amb
        values[bad] = np.nan
        issues.append((bad, "entier", EXPECTED_INTEGER))
    else:
        issues.append((bad, "nombre", EXPECTED_NUMBER))
    if amount:
        many = ~empty & ~bad & ~amb & (decimals > 2)
        issues.append((many, "decimales", EXPECTED_AMOUNT_DECIMALS))
        values[many] = np.nan
    if f.minimum is not None:
        with np.errstate(invalid="ignore"):
            below = values < f.minimum
        minimum = f"{f.minimum:g}".replace(".", ",")
        issues.append((below, "minimum", f"un nombre supérieur ou égal à {minimum}"))
        values[below] = np.nan
    values[empty] = np.nan
    return values, issues


def only(i: int, n: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[i] = True
    return mask


def convert_dates(reader, f, column: DateColumn, uniq, empty, native, month_first_hint):
    month_first = None
    if not column.day_first and not column.month_first and month_first_hint:
        month_first = True
    values, ambiguous = column.values(month_first)
    if native.any():
        values[native] = native_dates([uniq[i] for i in np.flatnonzero(native)])
    ambiguous = ambiguous & ~empty & ~native
    bad = ~empty & np.isnat(values) & ~ambiguous
    values[empty] = np.datetime64("NaT")
    issues = [
        (only(i, len(uniq)), "date_ambigue", ambiguous_date_text(column, i, str(uniq[i])))
        for i in np.flatnonzero(ambiguous)
    ]
    return values, [*issues, (bad, "date", EXPECTED_DATE)]


def _in_words(date: dt.date) -> str:
    return f"{'1er' if date.day == 1 else date.day} {MONTH_NAMES[date.month - 1]} {date.year}"


def ambiguous_date_text(column: DateColumn, i: int, value: str) -> str:
    """What an ambiguous date of a column mixing both orders can be, and what to type."""
    readings = column.readings(i)
    if readings is None:
        return EXPECTED_AMBIGUOUS_DATE
    day_first, month_first = readings
    return EXPECTED_AMBIGUOUS_DATE_VALUE.format(
        value=value, day_first=_in_words(day_first), month_first=_in_words(month_first),
        iso_day=day_first.isoformat(), iso_month=month_first.isoformat(),
    )  # fmt: skip


def mixed_date_orders(reader, column: DateColumn, values_u, col, lines, written, j):
    """A column holding dates that can only be day first (13/02/2018) and dates that can
    only be month first (02/13/2018): each is read in its only order, and a warning names
    the column with examples of both; its lines are those of the less common order."""
    if not column.conflicting:
        return
    day_rows = np.flatnonzero(column.sure_day_first[col.codes])
    month_rows = np.flatnonzero(column.sure_month_first[col.codes])
    if not len(day_rows) or not len(month_rows):
        return

    def examples(rows) -> str:
        return ", ".join(f"{col.uniq[col.codes[i]]} ligne {int(lines[i])}" for i in rows[:2])

    odd = month_rows if len(month_rows) <= len(day_rows) else day_rows
    found = tuple(int(lines[i]) for i in odd)
    iso = str(values_u[col.codes[day_rows[0]]])[:10]
    reader.add(EXPECTED_MIXED_ORDERS.format(day_first=examples(day_rows),
                                            month_first=examples(month_rows), iso=iso),
               "dates_ordre_mixte", found[0], written, col.uniq[col.codes[odd[0]]],
               severity=AVERTISSEMENT, position=j, rows=found)  # fmt: skip


def far_dates(reader, f, values_u, col, lines, written, j):
    start, end = reader.options.period
    low = np.datetime64(start - dt.timedelta(days=BEFORE), "ns")
    high = np.datetime64(end + dt.timedelta(days=AFTER.get(reader.kind, 2 * 365)), "ns")
    with np.errstate(invalid="ignore"):
        far_u = ~np.isnat(values_u) & ((values_u < low) | (values_u > high))
    if not far_u.any():
        return
    period = f"du {start.strftime('%d/%m/%Y')} au {end.strftime('%d/%m/%Y')}"
    for i in np.flatnonzero(far_u[col.codes])[:20]:
        reader.add(f"une date proche de celles de l'action ({period}) : cette date en est très "
                   "éloignée (faute de frappe ?)", "date_eloignee", int(lines[i]), written,
                   col.uniq[col.codes[i]], severity=AVERTISSEMENT, position=j,
                   rows=(int(lines[i]),))  # fmt: skip


def check_duplicates(reader, data_cols, lines, headers, positions):
    if not len(lines):
        return
    # Most discriminating first (a person's e-mail or phone), so most tables stop at once.
    first = [positions[k] for k in ("courriel", "telephone") if k in positions]
    rest = sorted((j for j in data_cols if j not in first),
                  key=lambda j: (data_cols[j].identity, -len(data_cols[j].uniq)))  # fmt: skip
    ordered = [data_cols[j] for j in first + rest]
    same = duplicate_rows([c.uniq[c.codes] if c.identity else c.codes for c in ordered])
    if same.any():
        found = tuple(int(x) for x in lines[same])
        reader.add(f"{lines_text(found)} identique{'s' if len(found) > 1 else ''} à une ligne "
                   "précédente (réponse envoyée deux fois ?), comptée"
                   f"{'s' if len(found) > 1 else ''} comme les autres : supprimez les doublons",
                   "doublon_ligne", found[0], severity=AVERTISSEMENT, rows=found)  # fmt: skip
    key = PERSON_KEYS.get(reader.kind)
    if key and key in headers:
        col = data_cols[positions[key]]
        again = repeated_keys(np.asarray(col.uniq[col.codes], dtype=object)) & ~same
        if again.any():
            found = tuple(int(x) for x in lines[again])
            where = lines_text(found)
            reader.add(f"même personne (même courriel) qu'une ligne précédente, {where} : "
                       "comptée deux fois ; vérifiez s'il s'agit d'un doublon", "doublon_personne",
                       found[0], headers[key], severity=AVERTISSEMENT, rows=found)  # fmt: skip
