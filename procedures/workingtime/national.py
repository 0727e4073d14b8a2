"""Vietnam's national calendar data: which days are off and which Saturdays are worked.

Two sources, each with its own part (pure Python, no Django):

* the `holidays` package for the Labour Code 2019, art. 112 (LEGAL.md, Holidays): New Year, Tết,
  Hùng Kings, 30/4, 1/5, 2/9 and an adjacent day, a holiday on a weekend made up on the next
  working day;
* `procedures/data/calendar_vn.toml` for what the government decides year by year: the swaps
  (a weekday off against a Saturday worked, both days from one entry with its decision), holidays
  the package lacks or makes up wrongly (Vietnam Culture Day, not made up on weekends), and the
  last year with a published decision (later years are provisional).

The package's own swap days are dropped, so a swap lives in the file only, whatever version of the
package is installed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path

import holidays

__all__ = [
    "CALENDAR_FILE",
    "AnnualHoliday",
    "NationalCalendar",
    "Swap",
    "load_national_calendar",
    "national_calendar",
]

CALENDAR_FILE = Path(__file__).resolve().parent.parent / "data" / "calendar_vn.toml"

# Names of public holidays are shown to Vietnamese citizens.
HOLIDAY_LANGUAGE = "vi"
# How the package names the weekday it gives off in a swap ("Ngày nghỉ (thay cho ngày 26/04/2025)"):
# such days are dropped, the file's swaps replace them.
_PACKAGE_SWAP_PREFIX = "Ngày nghỉ (thay cho"


@dataclass(frozen=True)
class Swap:
    """A weekday given off in exchange for a (Saturday) working day, by one government decision."""

    day_off: date
    working_day: date
    source: str

    @property
    def day_off_name(self) -> str:
        return f"Ngày nghỉ (hoán đổi, làm bù ngày {self.working_day:%d/%m/%Y})"


@dataclass(frozen=True)
class AnnualHoliday:
    """A fixed-date holiday from `from_year`; `made_up_on_weekend` False: a weekend one is lost."""

    month: int
    day: int
    from_year: int
    name: str
    made_up_on_weekend: bool
    source: str

    def date_in(self, year: int) -> date | None:
        return date(year, self.month, self.day) if year >= self.from_year else None


@dataclass(frozen=True)
class NationalCalendar:
    version: int
    last_decided_year: int
    swaps: tuple[Swap, ...]
    annual: tuple[AnnualHoliday, ...]
    source_file: str = ""

    @property
    def working_days(self) -> frozenset[date]:
        """The make-up working days (usually Saturdays) of every swap."""
        return frozenset(swap.working_day for swap in self.swaps)

    def is_provisional(self, year: int) -> bool:
        """True for a year after the last published government decision on holidays."""
        return year > self.last_decided_year

    def holidays(self, year: int) -> dict[date, str]:
        """The days off of `year` with their names (weekends not included). Worked out once
        per calendar and year in a process (every unit's calendar asks: the dashboard's average
        working time walks forty wards), a copy each time."""
        return dict(_holidays(self, year))

    def _holidays(self, year: int) -> dict[date, str]:
        package = holidays.Vietnam(years=year, language=HOLIDAY_LANGUAGE)
        result: dict[date, str] = {}
        annual_names = tuple(holiday.name for holiday in self.annual)
        for day, name in sorted(package.items()):
            if name.startswith(_PACKAGE_SWAP_PREFIX):
                continue  # the package's swap: the file is the one source of swaps
            if annual_names and name.startswith(annual_names):
                continue  # the file's annual holidays are computed below, with their rule
            result[day] = name
        for holiday in self.annual:
            observed = holiday.date_in(year)
            if observed is None:
                continue
            result[observed] = holiday.name
            if observed.weekday() >= 5 and holiday.made_up_on_weekend:
                made_up = observed + timedelta(days=7 - observed.weekday())
                result.setdefault(made_up, f"{holiday.name} (nghỉ bù)")
        for swap in self.swaps:
            if swap.day_off.year == year:
                result[swap.day_off] = swap.day_off_name
        return result

    def source_of(self, day: date) -> str | None:
        """The decision behind a swapped day (off or worked), None for other days."""
        for swap in self.swaps:
            if day in (swap.day_off, swap.working_day):
                return swap.source
        return None


@lru_cache(maxsize=64)
def _holidays(calendar: NationalCalendar, year: int) -> dict[date, str]:
    return calendar._holidays(year)


def _as_date(value: object, what: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError(f"{CALENDAR_FILE.name}: {what} must be a date (YYYY-MM-DD): {value!r}.")
    return value


def load_national_calendar(path: Path = CALENDAR_FILE) -> NationalCalendar:
    """Read and check the calendar file; a malformed file is a clear error at start-up."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    swaps = []
    for entry in data.get("swap", []):
        swap = Swap(
            day_off=_as_date(entry["day_off"], "swap.day_off"),
            working_day=_as_date(entry["working_day"], "swap.working_day"),
            source=str(entry["source"]).strip(),
        )
        if not swap.source:
            raise ValueError(f"{path.name}: the swap of {swap.day_off} needs its source.")
        if swap.day_off.weekday() >= 5 or swap.working_day.weekday() < 5:
            raise ValueError(
                f"{path.name}: a swap gives a weekday off for a weekend day worked "
                f"({swap.day_off} / {swap.working_day})."
            )
        swaps.append(swap)
    annual = tuple(
        AnnualHoliday(
            month=int(entry["month"]),
            day=int(entry["day"]),
            from_year=int(entry["from_year"]),
            name=str(entry["name"]),
            made_up_on_weekend=bool(entry["made_up_on_weekend"]),
            source=str(entry["source"]),
        )
        for entry in data.get("annual", [])
    )
    return NationalCalendar(
        version=int(data["version"]),
        last_decided_year=int(data["last_decided_year"]),
        swaps=tuple(sorted(swaps, key=lambda swap: swap.day_off)),
        annual=annual,
        source_file=path.name,
    )


@cache
def national_calendar() -> NationalCalendar:
    """The repository's calendar file, read once per process."""
    return load_national_calendar()
