"""Streaks are fair: days apart never break them, today is not over, weeks count for weekly rituals."""

from __future__ import annotations

from datetime import date, timedelta

from voice.review.streaks import streak

TODAY = date(2026, 11, 22)  # a Sunday


def days(*offsets: int) -> set[date]:
    return {TODAY - timedelta(days=o) for o in offsets}


def test_three_days_in_a_row_up_to_yesterday_is_a_streak_of_three_while_today_is_not_over():
    s = streak(days(1, 2, 3), set(), TODAY, "daily")
    assert (s.current, s.best, s.missed) == (3, 3, 0)


def test_doing_it_today_adds_to_the_streak():
    assert streak(days(0, 1, 2), set(), TODAY, "daily").current == 3


def test_a_day_apart_never_breaks_a_streak():
    s = streak(days(1, 3, 4), days(2), TODAY, "daily")
    assert (s.current, s.missed) == (3, 0)


def test_a_missed_day_ends_the_current_streak_but_keeps_the_best_and_is_counted_gently():
    s = streak(days(3, 4, 5, 6), set(), TODAY, "daily")
    assert (s.current, s.best, s.missed) == (0, 4, 2)   # yesterday and the day before


def test_weekly_streak_counts_iso_weeks_and_this_week_is_not_over():
    # done in each of the last three weeks (on Wednesdays), not yet this week
    done = {date(2026, 11, 18), date(2026, 11, 11), date(2026, 11, 4)}
    s = streak(done, set(), TODAY, "weekly")
    assert (s.current, s.unit) == (3, "week")


def test_a_whole_week_apart_does_not_break_a_weekly_streak_but_one_day_apart_does_not_excuse_a_week():
    done = {date(2026, 11, 18), date(2026, 11, 4)}
    whole_week_away = {date(2026, 11, 9) + timedelta(days=i) for i in range(7)}
    assert streak(done, whole_week_away, TODAY, "weekly").current == 2
    assert streak(done, {date(2026, 11, 10)}, TODAY, "weekly").current == 1


def test_no_sessions_is_no_streak_and_nothing_missed():
    assert streak(set(), set(), TODAY, "daily") == streak(set(), set(), TODAY, "daily")
    s = streak(set(), set(), TODAY, "daily")
    assert (s.current, s.best, s.missed) == (0, 0, 0)
