"""The invitation rules as pure functions: (now, invitations, facts) -> the offer due, or none."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from voice.home.invitations import Facts, Invitation, Offered, Rules, due_offer, in_quiet_hours, next_check

TZ = ZoneInfo("Europe/Berlin")
CHECK_IN = Invitation(1, "bedtime_check_in", time(22, 0))
SUNDAY = Invitation(2, "weekly_check_in", time(20, 0), weekday=6)
RULES = Rules(quiet=(time(23, 0), time(7, 0)), later=timedelta(minutes=15), grace=timedelta(minutes=30))


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, second, tzinfo=TZ)   # 2026-12-06 is a Sunday


def test_an_invitation_is_due_from_its_time_for_the_grace_period_and_not_before_or_after():
    assert due_offer(at(1, 21, 59, 59), [CHECK_IN], Facts(), RULES) is None
    offer = due_offer(at(1, 22), [CHECK_IN], Facts(), RULES)
    assert offer is not None and offer.invitation == CHECK_IN and offer.day == date(2026, 12, 1) and not offer.again
    assert due_offer(at(1, 22, 29, 59), [CHECK_IN], Facts(), RULES) is not None
    assert due_offer(at(1, 22, 30), [CHECK_IN], Facts(), RULES) is None


def test_an_offer_is_made_once_a_day_whatever_the_answer_but_later_earns_exactly_one_more():
    for answer in ("accepted", "declined", "no_answer", None):
        made = Facts(offers=(Offered(1, date(2026, 12, 1), answer, at(1, 22, 0, 20)),))
        assert due_offer(at(1, 22, 5), [CHECK_IN], made, RULES) is None
    later = Facts(offers=(Offered(1, date(2026, 12, 1), "later", at(1, 22, 0, 20)),))
    assert due_offer(at(1, 22, 15, 19), [CHECK_IN], later, RULES) is None
    again = due_offer(at(1, 22, 15, 20), [CHECK_IN], later, RULES)
    assert again is not None and again.again
    assert next_check(at(1, 22, 1), [CHECK_IN], later, RULES) == at(1, 22, 15, 20)
    twice = Facts(offers=later.offers + (Offered(1, date(2026, 12, 1), "later", at(1, 22, 15, 40)),))
    assert due_offer(at(1, 22, 31), [CHECK_IN], twice, RULES) is None      # never a third time


def test_the_next_day_is_a_new_day_and_an_invitation_late_in_the_evening_may_cross_midnight():
    made = Facts(offers=(Offered(1, date(2026, 12, 1), "declined", at(1, 22, 1)),))
    assert due_offer(at(2, 22), [CHECK_IN], made, RULES) is not None
    late = Invitation(3, "six_second_kiss", time(23, 50))
    no_quiet = Rules(quiet=None)
    offer = due_offer(at(2, 0, 5), [late], Facts(), no_quiet)
    assert offer is not None and offer.day == date(2026, 12, 1)            # yesterday's, still in its grace
    assert next_check(at(2, 0, 5), [late], Facts(offers=(Offered(3, date(2026, 12, 1), "no_answer"),)),
                      no_quiet) == at(2, 23, 50)


def test_quiet_hours_hold_any_offer_even_past_midnight_and_the_end_of_quiet_is_a_moment_to_check():
    assert in_quiet_hours(time(23, 0), RULES.quiet) and in_quiet_hours(time(3, 0), RULES.quiet)
    assert not in_quiet_hours(time(7, 0), RULES.quiet) and not in_quiet_hours(time(22, 59), RULES.quiet)
    late = Invitation(3, "six_second_kiss", time(23, 10))
    assert due_offer(at(1, 23, 10), [late], Facts(), RULES) is None
    early = Invitation(4, "morning_coffee", time(6, 50))
    assert next_check(at(2, 6, 55), [early], Facts(), RULES) == at(2, 7)
    assert due_offer(at(2, 7), [early], Facts(), RULES) is not None        # still in its grace at seven


def test_no_offer_while_busy_on_a_day_apart_or_when_that_ritual_was_done_that_day():
    now = at(1, 22, 1)
    assert due_offer(now, [CHECK_IN], Facts(busy=True), RULES) is None
    assert due_offer(now, [CHECK_IN], Facts(away=frozenset({date(2026, 12, 1)})), RULES) is None
    done = Facts(done=frozenset({("bedtime_check_in", date(2026, 12, 1))}))
    assert due_offer(now, [CHECK_IN], done, RULES) is None
    other = Facts(done=frozenset({("six_second_kiss", date(2026, 12, 1)), ("bedtime_check_in", date(2026, 11, 30))}))
    assert due_offer(now, [CHECK_IN], other, RULES) is not None


def test_a_weekly_invitation_comes_only_on_its_weekday_and_the_next_check_is_that_evening():
    assert due_offer(at(5, 20, 1), [SUNDAY], Facts(), RULES) is None       # a Saturday
    assert due_offer(at(6, 20, 1), [SUNDAY], Facts(), RULES) is not None
    assert next_check(at(1, 12), [SUNDAY], Facts(), RULES) == at(6, 20)
    assert next_check(at(1, 12), [], Facts(), RULES) is None


def test_of_two_invitations_due_together_the_earlier_comes_first():
    kiss = Invitation(5, "six_second_kiss", time(21, 55))
    offer = due_offer(at(1, 22, 1), [CHECK_IN, kiss], Facts(), RULES)
    assert offer is not None and offer.invitation == kiss
