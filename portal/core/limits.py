"""Bounds on the dates people may ask about.

Python's dates end at 9999-12-31: a period or a deadline computed from a date near that end
overflowed (a 500 on `start=9999-12-31`). No dossier, report or statistic of MotCua lies outside
these years, so a date outside them is refused as bad input before anything is computed.
"""

from datetime import date, datetime

EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)


def date_in_range(value: date | datetime) -> bool:
    day = value.date() if isinstance(value, datetime) else value
    return EARLIEST <= day <= LATEST
