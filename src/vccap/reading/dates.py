"""Dates as people and tools write them, with the day/month order decided per column.

Accepted: ISO dates and date-times (with a time zone offset, as KoboToolbox writes them),
numeric dates ``15/06/2016``, ``15.06.16`` (day first, as the data contract says, unless
the column shows month first: ``6/15/2016``), dates in words in French or English
(``mercredi 15 juin 2016``, ``15 juin 2016``, ``1er juin 2016``, ``15-juin-16``,
``June 15, 2016``), form timestamps (``14/05/2019 17:55:02``, ``2019/05/14 5:55:02 PM
GMT+2``) and Excel serial numbers. A column that holds both ``31/12/2016`` and
``12/31/2016`` mixes both orders: each sure date is read in its only order, the cells that
could be read both ways are reported with their two readings, and the column itself gets a
warning with examples of both orders (:func:`vccap.reading.checks.mixed_date_orders`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re

import numpy as np
import pandas as pd

from vccap.normalize import fold

__all__ = ["MONTH_NAMES", "DateColumn", "parse_date_text"]

MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1, "fevrier": 2, "fevr": 2, "fev": 2,
    "february": 2, "feb": 2, "mars": 3, "mar": 3, "march": 3, "avril": 4, "avr": 4,
    "april": 4, "apr": 4, "mai": 5, "may": 5, "juin": 6, "june": 6, "jun": 6, "juillet": 7,
    "juil": 7, "july": 7, "jul": 7, "aout": 8, "august": 8, "aug": 8, "septembre": 9,
    "sept": 9, "sep": 9, "september": 9, "octobre": 10, "oct": 10, "october": 10,
    "novembre": 11, "nov": 11, "november": 11, "decembre": 12, "dec": 12, "december": 12,
}  # fmt: skip
#: French month names, January first (to say a date in words).
MONTH_NAMES = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
               "septembre", "octobre", "novembre", "décembre")  # fmt: skip
_DAYS = (
    "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim|"
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun"
)
_TIME = (
    r"(?:[ T]+(?:a |à )?\d{1,2}(?:[:h]\d{2})?(?::\d{2}(?:[.,]\d+)?)?\s*(?:[ap]\.?m\.?)?"
    r"\s*(?:z|(?:gmt|utc)?\s*[+-]\d{1,2}(?::?\d{2})?)?)?"
)
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + "$", re.I)
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})" + _TIME + "$", re.I)
_SERIAL = re.compile(r"^(\d{5})(?:[.,]\d+)?$")
_WORDS_DMY = re.compile(
    rf"^(?:(?:{_DAYS})_)?(\d{{1,2}})(?:er|st|nd|rd|th)?_([a-z]+)_(\d{{4}}|\d{{2}})"
    r"(?:_(?:a_)?\d{1,2}(?:h|_)\d{0,2}(?:_\d{2})?)?$"
)
_WORDS_MDY = re.compile(
    rf"^(?:(?:{_DAYS})_)?([a-z]+)_(\d{{1,2}})(?:st|nd|rd|th)?_(\d{{4}})"
    r"(?:_\d{1,2}_\d{2}(?:_\d{2})?(?:_[ap]m)?)?$"
)


def _year(values: pd.Series) -> pd.Series:
    years = pd.to_numeric(values, errors="coerce")
    short = values.str.len() == 2
    return years.where(~short, years + np.where(years < 70, 2000, 1900))


def _assemble(year: pd.Series, month: pd.Series, day: pd.Series) -> np.ndarray:
    year = year.where((year >= 1900) & (year <= 2200))
    frame = pd.DataFrame({"year": year, "month": month, "day": day})
    dates = pd.to_datetime(frame, errors="coerce").astype("datetime64[ns]")
    return dates.to_numpy(dtype="datetime64[ns]", copy=True)


class DateColumn:
    """The distinct texts of one date column; :meth:`values` reads them.

    ``month_first`` / ``day_first`` say whether some numeric date of the column can only
    be read month first (``6/15/2016``) or day first (``15/6/2016``).
    """

    def __init__(self, texts: np.ndarray) -> None:
        s = pd.Series(texts, dtype=object).astype(str).str.strip()
        self.texts = s
        self.numeric = s.str.extract(_NUMERIC)
        first = pd.to_numeric(self.numeric[0], errors="coerce")
        second = pd.to_numeric(self.numeric[1], errors="coerce")
        #: Per distinct text: a numeric date that can only be day first (13/02/2018) or
        #: only month first (02/13/2018).
        self.sure_day_first = ((first > 12) & (second <= 12)).to_numpy(dtype=bool)
        self.sure_month_first = ((second > 12) & (first <= 12)).to_numpy(dtype=bool)
        self.day_first = bool(self.sure_day_first.any())
        self.month_first = bool(self.sure_month_first.any())
        self._first, self._second = first, second

    @property
    def conflicting(self) -> bool:
        return self.day_first and self.month_first

    def readings(self, i: int) -> tuple[dt.date, dt.date] | None:
        """The two dates distinct text ``i`` can be, day first then month first (None when
        it is not a numeric date that both orders can read)."""
        year = _year(self.numeric[2].iloc[i : i + 1]).iloc[0]
        first, second = self._first.iloc[i], self._second.iloc[i]
        try:
            return (dt.date(int(year), int(second), int(first)),
                    dt.date(int(year), int(first), int(second)))  # fmt: skip
        except (TypeError, ValueError):  # NaN parts, or one order is no date
            return None

    def values(self, month_first: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(dates, ambiguous)`` per distinct text (datetime64[ns], NaT when not a date).

        ``month_first`` forces the order (default: the column's own evidence, else day
        first). When the column shows both orders, cells readable both ways are ambiguous.
        """
        s = self.texts
        if month_first is None:
            month_first = self.month_first and not self.day_first
        iso = s.str.extract(_ISO)
        out = _assemble(
            pd.to_numeric(iso[0], errors="coerce"),
            pd.to_numeric(iso[1], errors="coerce"),
            pd.to_numeric(iso[2], errors="coerce"),
        )
        first, second = self._first, self._second
        year = _year(self.numeric[2])
        day_month = _assemble(year, second, first)
        month_day = _assemble(year, first, second)
        ambiguous = np.zeros(len(s), dtype=bool)
        if self.conflicting:
            numeric = np.where((first > 12).to_numpy(), day_month, month_day)
            ambiguous = ((first <= 12) & (second <= 12) & (first != second)).to_numpy(dtype=bool)
            numeric[ambiguous] = np.datetime64("NaT")
        else:
            numeric = month_day if month_first else day_month
        out = np.where(np.isnat(out), numeric, out)
        if not np.isnat(out).any():  # every text read (the next readings fill only NaT)
            return out.astype("datetime64[ns]"), ambiguous
        folded = pd.Series([fold(t) if not t.isascii() or " " in t or "-" in t else t.lower()
                            for t in s], dtype=object)  # fmt: skip
        words = folded.str.extract(_WORDS_DMY)
        worded = _assemble(_year(words[2]), words[1].map(MONTHS), pd.to_numeric(words[0]))
        out = np.where(np.isnat(out), worded, out)
        words = folded.str.extract(_WORDS_MDY)
        worded = _assemble(_year(words[2]), words[0].map(MONTHS), pd.to_numeric(words[1]))
        out = np.where(np.isnat(out), worded, out)
        serial = pd.to_numeric(s.str.extract(_SERIAL)[0], errors="coerce")
        from_serial = pd.Timestamp("1899-12-30") + pd.to_timedelta(serial, unit="D")
        out = np.where(np.isnat(out), from_serial.to_numpy(dtype="datetime64[ns]"), out)
        return out.astype("datetime64[ns]"), ambiguous


def native_dates(values: list) -> np.ndarray:
    """datetime64[ns] for native workbook values (dates, date-times, serial numbers)."""
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
    for i, v in enumerate(values):
        if isinstance(v, dt.datetime):
            out[i] = np.datetime64(v.date(), "ns")
        elif isinstance(v, dt.date):
            out[i] = np.datetime64(v, "ns")
        elif isinstance(v, float) and 1 <= v < 120_000:
            out[i] = np.datetime64("1899-12-30", "ns") + np.timedelta64(int(v), "D")
    return out


ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


@functools.lru_cache(maxsize=8192)
def parse_date_text(text: str) -> dt.date | None:
    """One date typed alone (in action.yml); ``None`` when it is not a possible date."""
    if ISO_DATE_RE.fullmatch(text):  # the common case, without the column machinery
        try:
            found = dt.date.fromisoformat(text)
        except ValueError:
            found = None
        if found is not None and 1900 <= found.year <= 2200:  # the years _assemble accepts
            return found
    column = DateColumn(np.array([text], dtype=object))
    values, _ = column.values(month_first=column.month_first and not column.day_first)
    if np.isnat(values[0]):
        return None
    return pd.Timestamp(values[0]).date()
