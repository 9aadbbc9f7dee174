"""shop_days (pure): the shop's days as UTC moments, across clock changes and odd zones; the
retention rule's oldest kept day; the CLI's rollup rebuild in the shop's zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from shareback import retention, shop_days
from shareback.cli import main
from shareback.settings import Settings, SettingsError
from support import db_rows

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def test_a_moment_falls_on_the_shops_day() -> None:
    late = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # 00:30 on 2 December in Amsterdam
    assert shop_days.local_day(late, AMSTERDAM) == date(2026, 12, 2)
    assert shop_days.local_day(late, ZoneInfo("UTC")) == date(2026, 12, 1)
    assert shop_days.day_start(date(2026, 12, 2), AMSTERDAM) == datetime(
        2026, 12, 1, 23, tzinfo=UTC
    )
    assert shop_days.is_day_start(datetime(2026, 12, 1, 23, tzinfo=UTC), AMSTERDAM)
    assert not shop_days.is_day_start(datetime(2026, 12, 2, tzinfo=UTC), AMSTERDAM)


@pytest.mark.parametrize(
    ("zone", "day", "hours"),
    [
        ("Europe/Amsterdam", date(2026, 3, 29), 23),
        ("Europe/Amsterdam", date(2026, 10, 25), 25),
        ("Europe/Amsterdam", date(2026, 12, 1), 24),
        ("America/Santiago", date(2026, 9, 6), 23),  # midnight itself is skipped: 00:00 → 01:00
        ("Australia/Lord_Howe", date(2026, 4, 5), 24.5),  # a half-hour change
        ("UTC", date(2026, 3, 29), 24),
    ],
)
def test_days_are_23_24_or_25_hours(zone: str, day: date, hours: float) -> None:
    tz = ZoneInfo(zone)
    assert shop_days.hours_in(day, tz) == hours
    start, end = shop_days.bounds(day, day, tz)
    assert shop_days.local_day(start, tz) == day
    assert shop_days.local_day(end - timedelta(microseconds=1), tz) == day
    assert shop_days.whole_days(start, end, tz) == (day, day)


def test_whole_days_need_both_ends_at_a_shop_midnight() -> None:
    start, end = shop_days.bounds(date(2026, 3, 1), date(2026, 3, 31), AMSTERDAM)
    assert shop_days.whole_days(start, end, AMSTERDAM) == (date(2026, 3, 1), date(2026, 3, 31))
    assert shop_days.whole_days(start + timedelta(seconds=1), end, AMSTERDAM) is None
    assert shop_days.whole_days(end, start, AMSTERDAM) is None
    utc_midnights = (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
    assert shop_days.whole_days(*utc_midnights, AMSTERDAM) is None


def test_the_offset_stretches_are_those_of_the_tz_database() -> None:
    year = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert shop_days.stretches(*year, AMSTERDAM) == (
        shop_days.Stretch(None, 3600),
        shop_days.Stretch(datetime(2026, 3, 29, 1, tzinfo=UTC), 7200),
        shop_days.Stretch(datetime(2026, 10, 25, 1, tzinfo=UTC), 3600),
    )
    assert shop_days.stretches(*year, ZoneInfo("UTC")) == (shop_days.Stretch(None, 0),)
    # Every moment of the year: its shop day is its UTC time moved by its stretch's offset.
    stretches = shop_days.stretches(*year, ZoneInfo("America/Santiago"))
    moment = year[0]
    while moment < year[1]:
        offset = [s.offset for s in stretches if s.since is None or s.since <= moment][-1]
        expected = shop_days.local_day(moment, ZoneInfo("America/Santiago"))
        assert (moment + timedelta(seconds=offset)).date() == expected, moment
        moment += timedelta(minutes=37)


def test_the_week_begins_on_the_shops_monday() -> None:
    sunday_night = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)  # Monday 00:30 in Amsterdam
    assert shop_days.week_start(sunday_night, AMSTERDAM) == datetime(2026, 11, 29, 23, tzinfo=UTC)
    assert shop_days.week_start(sunday_night, ZoneInfo("UTC")) == datetime(2026, 11, 23, tzinfo=UTC)
    # The week the clocks go back: 169 hours.
    start = shop_days.week_start(datetime(2026, 10, 26, 12, tzinfo=UTC), AMSTERDAM)
    before = shop_days.week_start(start - timedelta(days=1), AMSTERDAM)
    assert start - before == timedelta(hours=169)


def test_retention_keeps_the_attribution_window_and_a_day() -> None:
    today = date(2026, 12, 1)
    assert retention.oldest_click_day(today, 90, [30]) == today - timedelta(days=90)
    assert retention.oldest_click_day(today, 10, [30, 45]) == today - timedelta(days=46)
    assert retention.oldest_click_day(today, 10, []) == today - timedelta(days=31)


@pytest.mark.parametrize("value", ["-1", "ten", "3661", "1.5"])
def test_a_bad_retention_setting_stops_the_start(value: str) -> None:
    with pytest.raises(SettingsError, match="SHAREBACK_CLICK_RETENTION_DAYS"):
        Settings.from_env({"SHAREBACK_CLICK_RETENTION_DAYS": value})


def test_the_retention_setting_is_read() -> None:
    assert Settings.from_env({}).click_retention_days == 0
    assert Settings.from_env({"SHAREBACK_CLICK_RETENTION_DAYS": "400"}).click_retention_days == 400


def test_the_cli_rebuilds_the_rollups_in_the_shops_zone(
    fresh_database_url: Callable[[], str],
) -> None:
    url = fresh_database_url()
    env = {"SHAREBACK_DATABASE_URL": url, "SHAREBACK_TIMEZONE": "Europe/Amsterdam"}
    result = CliRunner().invoke(main, ["db", "rebuild-rollups"], env=env)
    assert result.exit_code == 0, result.output
    assert "rebuilt the daily rollups in Europe/Amsterdam (were UTC)" in result.output
    rows = db_rows(
        Settings(database_url=url), "SELECT value FROM store_meta WHERE name = ?", ("rollup_zone",)
    )
    assert [row[0] for row in rows] == ["Europe/Amsterdam"]
