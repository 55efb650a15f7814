"""Invitations: when the device may softly offer a ritual, as pure functions of time and facts.

An invitation is a ritual at a local time of day, every day or on one weekday. At that time the
device offers it once; "later" earns one more offer after a set delay; anything else lets it go.
It never nags: no offer while a ritual runs, during quiet hours, on a day marked apart, or for a
ritual already done that day. ``due_offer`` decides, ``next_check`` says when deciding again can
give another answer; the journal facts they need come in, nothing is read here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Literal

Answer = Literal["accepted", "declined", "later", "no_answer"]
ANSWERS: tuple[Answer, ...] = ("accepted", "declined", "later", "no_answer")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Invitation:
    id: int
    ritual_id: str
    at: time
    """Local time of day."""
    weekday: int | None = None
    """0 (Monday) to 6 (Sunday); ``None``: every day."""

    def on(self, day: date) -> bool:
        return self.weekday is None or day.weekday() == self.weekday

    def when(self) -> str:
        """For lists: "every day" or "every sunday"."""
        return "every day" if self.weekday is None else f"every {WEEKDAYS[self.weekday]}"


@dataclass(frozen=True)
class Offered:
    """An offer already made, as journaled."""

    invitation_id: int
    day: date
    """The day of the invitation it was made for."""
    answer: Answer | None
    """``None``: made, not answered yet (or the device stopped while waiting)."""
    answered_at: datetime | None = None


@dataclass(frozen=True)
class Facts:
    """What the journal and the skill know right now."""

    away: frozenset[date] = frozenset()
    done: frozenset[tuple[str, date]] = frozenset()
    """(ritual id, local day) of the sessions that count."""
    offers: tuple[Offered, ...] = ()
    busy: bool = False
    """A ritual runs (or an offer waits for its answer)."""


@dataclass(frozen=True)
class Rules:
    """The couple's settings (config ``[invitations]``)."""

    quiet: tuple[time, time] | None = (time(23, 0), time(7, 0))
    """Quiet hours, from (included) to (excluded); may run past midnight; ``None``: none."""
    later: timedelta = timedelta(minutes=15)
    """How long "later" waits before the one more offer."""
    grace: timedelta = timedelta(minutes=30)
    """How long after its time an offer may still come (the device was busy or started late)."""


@dataclass(frozen=True)
class DueOffer:
    invitation: Invitation
    day: date
    again: bool = False
    """The one more offer after "later"."""


def in_quiet_hours(moment: time, quiet: tuple[time, time] | None) -> bool:
    if quiet is None:
        return False
    start, end = quiet
    return start <= moment < end if start <= end else moment >= start or moment < end


def _local(day: date, at: time, tz: tzinfo | None) -> datetime:
    return datetime.combine(day, at).replace(tzinfo=tz)


@dataclass(frozen=True)
class _Slot:
    """One invitation on one day: the moment an offer is due then, if one still is."""

    offer: DueOffer
    moment: datetime


def _slots(now: datetime, invitations: Iterable[Invitation], facts: Facts, rules: Rules,
           days: Sequence[int]) -> list[_Slot]:
    made: dict[tuple[int, date], list[Offered]] = {}
    for o in facts.offers:
        made.setdefault((o.invitation_id, o.day), []).append(o)
    out = []
    for invitation in invitations:
        for delta in days:
            day = now.date() + timedelta(days=delta)
            if not invitation.on(day) or day in facts.away or (invitation.ritual_id, day) in facts.done:
                continue
            before = made.get((invitation.id, day), [])
            if not before:
                out.append(_Slot(DueOffer(invitation, day), _local(day, invitation.at, now.tzinfo)))
            elif len(before) == 1 and before[0].answer == "later" and before[0].answered_at is not None:
                out.append(_Slot(DueOffer(invitation, day, again=True), before[0].answered_at + rules.later))
    return out


def due_offer(now: datetime, invitations: Iterable[Invitation], facts: Facts, rules: Rules) -> DueOffer | None:
    """The offer to make at ``now`` (in the couple's time zone: its date and time of day are theirs), or ``None``: the earliest one whose moment has
    come within the grace period, unless a rule says not now."""
    if facts.busy or in_quiet_hours(now.time(), rules.quiet):
        return None
    # yesterday too: an invitation at 23:50 may still be offered at 00:05
    ready = [s for s in _slots(now, invitations, facts, rules, (-1, 0)) if s.moment <= now < s.moment + rules.grace]
    return min(ready, key=lambda s: s.moment).offer if ready else None


def next_check(now: datetime, invitations: Sequence[Invitation], facts: Facts, rules: Rules) -> datetime | None:
    """The next moment after ``now`` at which ``due_offer`` may answer differently (``None``: never,
    with these invitations): the next invitation's time, a "later" coming due, or the end of quiet
    hours while an offer's grace period is still open."""
    moments = [s.moment for s in _slots(now, invitations, facts, rules, range(-1, 8)) if s.moment > now]
    if rules.quiet is not None and in_quiet_hours(now.time(), rules.quiet):
        end = _local(now.date(), rules.quiet[1], now.tzinfo)
        moments.append(end if end > now else end + timedelta(days=1))
    return min(moments, default=None)


@dataclass
class OfferState:
    """The offer the device made and waits on (kept by the skill; ``None`` fields until known)."""

    offer: DueOffer
    offer_id: int
    listen_until: float | None = None
    """Driver time when silence counts as no answer (set when the offer has been said)."""


def parse_clock(text: str) -> time:
    """"22:00" or "9:30" -> a time of day; ``ValueError`` if it is not one."""
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise ValueError(text)
    return time(int(hours), int(minutes))


def parse_quiet(text: str) -> tuple[time, time] | None:
    """Quiet hours as "23:00-07:00" ("" or "none": none); ``ValueError`` if not that."""
    if text.strip().lower() in ("", "none"):
        return None
    start, sep, end = text.partition("-")
    if not sep:
        raise ValueError(text)
    return parse_clock(start), parse_clock(end)
