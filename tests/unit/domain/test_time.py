"""The shared time vocabulary: IST dates and the one rule for date bounds."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from nautilus_options.domain.time import IST, NS_PER_DAY, ist_date, parse_bound, to_ns
from nautilus_options.errors import ConfigError

MIDNIGHT_IST_13 = to_ns(datetime(2026, 1, 13, tzinfo=IST))


def test_ist_date_turns_at_ist_midnight() -> None:
    # 18:30 UTC on 12 Jan is 00:00 IST on 13 Jan.
    assert to_ns(datetime(2026, 1, 12, 18, 30, tzinfo=UTC)) == MIDNIGHT_IST_13
    assert ist_date(MIDNIGHT_IST_13) == date(2026, 1, 13)
    assert ist_date(MIDNIGHT_IST_13 - 1) == date(2026, 1, 12)


def test_a_bare_date_is_the_whole_ist_day() -> None:
    assert parse_bound("2026-01-13", "start") == MIDNIGHT_IST_13
    assert parse_bound(date(2026, 1, 13), "end", end=True) == MIDNIGHT_IST_13 + NS_PER_DAY - 1


def test_a_naive_timestamp_is_ist_and_a_zoned_one_is_that_instant() -> None:
    naive = parse_bound("2026-01-13 09:15", "start")
    assert naive == parse_bound("2026-01-13T03:45:00Z", "start")
    assert naive == parse_bound(datetime(2026, 1, 13, 9, 15, tzinfo=IST), "start")
    assert parse_bound(naive, "start") == naive


@pytest.mark.parametrize("bad", ["13/01/2026", "tomorrow", "1969-12-31", "2262-04-12", True])
def test_bad_bounds_name_the_field(bad: object) -> None:
    with pytest.raises(ConfigError, match="--end"):
        parse_bound(bad, "--end", end=True)  # type: ignore[arg-type]
