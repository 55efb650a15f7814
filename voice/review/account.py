"""One session told in plain words, for ``rituals show``: its steps, who spoke and for how long, its
timers, what was said to the device and how it ended. (``rituals show --json`` gives the raw events.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from voice.journal.store import EventRow, SessionRow
from voice.core.journal_events import (Answer, AskStart, JournalEvent, Pause, Question, Reprompt, Resume, SessionEnd,
                                  SessionStart, Skip, SpeechHeard, StepStart, TimerEnd, TimerStart, TurnEnd,
                                  TurnStart)
from voice.review.counting import turn_spoke

STEP_KINDS = {"say": "the device spoke", "turn": "a turn to talk", "timer": "a timer", "chime": "a chime",
              "ask": "a question for you both"}
ENDED_BY = {"done": "until they said they were done", "time": "until the turn's time ran out",
            "silence": "until they went quiet", "skip": "until the turn was skipped"}
COMMANDS = {"start_ritual": "start a ritual", "resume": "go on", "repeat": "say that again",
            "time_left": "how much time is left", "done": "I'm done"}
"""Commands in the words a couple would use; any other is its own name, e.g. ``pause``."""
ENDINGS = {"completed": "The ritual was completed.", "stopped": "It was stopped before the end.",
           "interrupted": "It was cut off before the end (the device stopped or failed)."}
REPROMPTS = {"silence": "Nobody spoke, so the device asked again.",
             "not understood": "The answer was not understood, so the device asked again."}


@dataclass(frozen=True)
class Cast:
    """Who is who in one session: the partner who went first by the name journaled with it."""

    session: SessionRow
    names: tuple[str, str]
    """Today's names of partner 0 and 1 (the config's); the first partner's journaled name wins."""

    def name(self, turn: TurnStart | TurnEnd) -> str:
        """The name of a turn's partner: by ``who`` (first/second), which the session's journaled first
        partner anchors, else by the partner's index."""
        first = self.session.first_partner
        partner = {"first": first, "second": 1 - first}.get(turn.who, turn.partner)
        if partner not in (0, 1):
            partner = first
        return self.session.first_name if partner == first else self.names[partner]


def clock(seconds: float) -> str:
    """Offset into the session as m:ss."""
    minutes, rest = divmod(int(max(0.0, seconds)), 60)
    return f"{minutes}:{rest:02d}"


def length(seconds: float) -> str:
    """A duration the way people say it: '45 s', '6 min 5 s'."""
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest} s" if minutes else f"{seconds:.0f} s"


def headline(session: SessionRow, ritual_name: str) -> list[str]:
    start = session.started_at.astimezone()
    when = f"{start:%A} {start.day} {start:%B %Y} at {start:%H:%M}"
    lasted = "still running" if session.duration is None else f"lasted {length(session.duration)}"
    return [f"Session {session.id}: {ritual_name}, {session.status}.",
            f"Started {when}, {lasted}; {session.first_name} went first."]


def _step(e: StepStart, cast: Cast) -> str:
    return f"Step {e.index + 1}: {STEP_KINDS.get(e.type, e.type)}."


def _turn_end(e: TurnEnd, cast: Cast) -> str:
    how = ENDED_BY.get(e.ended_by, f"(ended by {e.ended_by})")
    did = "talked for" if turn_spoke(e) else "was silent for"
    return f"  {cast.name(e)} {did} {float(e.seconds):.1f} s, {how}."


def _heard(e: SpeechHeard, cast: Cast) -> str | None:
    if not e.intent:
        return None  # talk that was not a command is the couple's own; the turns already account for it
    said = f" (\"{e.text}\")" if e.text else ""
    return f"  Heard \"{COMMANDS.get(e.intent, e.intent.replace('_', ' '))}\"{said}."


def _pause(e: Pause, cast: Cast) -> str:
    return "  Paused" + (f" with {float(e.remaining):.0f} s left." if e.remaining is not None else ".")


LINES: dict[type[JournalEvent], Callable[[Any, Cast], str | None]] = {
    SessionStart: lambda e, cast: None,              # the headline says it
    StepStart: _step,
    TurnStart: lambda e, cast: f"  {cast.name(e)}'s turn began.",
    TurnEnd: _turn_end,
    TimerStart: lambda e, cast: f"  A {float(e.seconds):g}-second timer started.",
    TimerEnd: lambda e, cast: f"  The timer ran its {float(e.seconds):g} s.",
    Question: lambda e, cast: f"  The question: \"{e.question}\"",
    AskStart: lambda e, cast: None,                  # the step line says a question was asked
    Answer: lambda e, cast: f"  The answer was {'yes' if e.yes else 'no'}.",
    Reprompt: lambda e, cast: "  " + REPROMPTS.get(e.reason, "The device asked again."),
    Pause: _pause,
    Resume: lambda e, cast: "  Resumed.",
    Skip: lambda e, cast: f"  Step {e.index + 1} was skipped.",
    SpeechHeard: _heard,
    SessionEnd: lambda e, cast: ENDINGS.get(e.status, f"It ended: {e.status}."),
}
"""One line (or none) per kind; every kind of ``voice.core.journal_events.KINDS`` has one."""


def account(session: SessionRow, events: list[EventRow], ritual_name: str, names: tuple[str, str]) -> list[str]:
    """The lines of ``rituals show``: a headline, then one line per moment, each at its time."""
    cast = Cast(session, names)
    lines = headline(session, ritual_name)
    for e in events:
        line = LINES[type(e.event)](e.event, cast)
        if line is not None:
            lines.append(f"  {clock(e.offset_s):>5}  {line}")
    return lines
