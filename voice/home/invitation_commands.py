"""Invitations set and cleared by voice ("remind us of the check-in at ten every evening", "every
Sunday evening, the weekly check-in", "no more reminders"): spoken answers, like the journal's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time

from voice.library.rituals import RitualLibrary, SystemPrompts
from voice.home.invitation_store import InvitationStore
from voice.home.invitations import WEEKDAYS, Invitation, parse_clock
from voice.core.matcher import Match

INTENTS = frozenset({"invite", "stop_invitations"})
EVENING = time(20, 0)
"""When "every Sunday evening" is, with no hour said."""

#: The spoken name of each weekday, spelled out so the load-time check of system.yaml sees every key.
WEEKDAY_LINES = {"monday": "weekday_monday", "tuesday": "weekday_tuesday", "wednesday": "weekday_wednesday",
                 "thursday": "weekday_thursday", "friday": "weekday_friday", "saturday": "weekday_saturday",
                 "sunday": "weekday_sunday"}

Answers = Callable[[Match], "str | None"]


def spoken_clock(at: time, system: SystemPrompts) -> str:
    """A time of day as said in the evening, in the language's own shape (``clock_hour``,
    ``clock_hour_minute`` in system.yaml: "10", "9:30"; "10시", "9시 30분"): twelve-hour."""
    hour = at.hour % 12 or 12
    if at.minute == 0:
        return system.get("clock_hour", hour=hour)
    return system.get("clock_hour_minute", hour=hour, minute=f"{at.minute:02d}")


def first_answer(*answers: Answers) -> Answers:
    """The first of ``answers`` that has a reply to a match."""
    def answer(match: Match) -> str | None:
        for candidate in answers:
            reply = candidate(match)
            if reply:
                return reply
        return None
    return answer


class InvitationCommands:
    """Sets and removes invitations from what was said; the reply to say."""

    def __init__(self, store: InvitationStore, library: RitualLibrary, clock: Callable[[], datetime]) -> None:
        """``clock``: the wall clock (an aware ``datetime``) the run is journaled on; injected, like the
        journal answers', so ``--start-at`` notes an invitation at the render's time."""
        self.store = store
        self.library = library
        self.clock = clock

    def __call__(self, match: Match) -> str | None:
        if match.intent not in INTENTS:
            return None
        system = self.library.system
        now = self.clock()   # when it was noted; the invitation itself is a time of day
        if match.intent == "stop_invitations":
            removed = self.store.remove(None, now)
            return system.get("invitations_removed" if removed else "invitations_none")
        ritual = self.library.get(match.slots["ritual"])
        weekday = WEEKDAYS.index(match.slots["weekday"]) if "weekday" in match.slots else None
        at = parse_clock(match.slots["evening_hour"]) if "evening_hour" in match.slots else EVENING
        invitation = self.store.add(ritual.id, at, weekday, now)
        return say_set(invitation, ritual.name, self.library)


def say_set(invitation: Invitation, ritual_name: str, library: RitualLibrary) -> str:
    """The line confirming an invitation: when, and what."""
    system = library.system
    clock = spoken_clock(invitation.at, system)
    if invitation.weekday is None:
        return system.get("invitation_set_daily", ritual=ritual_name, time=clock)
    return system.get("invitation_set_weekly", ritual=ritual_name, time=clock,
                      when=system.get(WEEKDAY_LINES[WEEKDAYS[invitation.weekday]]))

