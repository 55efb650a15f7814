"""One session told in plain words, for ``rituals show``: its steps, who spoke and for how long, its
timers, what was said to the device and how it ended. (``rituals show --json`` gives the raw events.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from voice.journal import EventRow, SessionRow
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

    def name(self, data: dict[str, Any]) -> str:
        """The name of an event's partner: by ``who`` (first/second), which the session's journaled first
        partner anchors, else by the partner's index."""
        first = self.session.first_partner
        partner = {"first": first, "second": 1 - first}.get(data.get("who"), data.get("partner"))
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


def _step(e: EventRow, cast: Cast) -> str:
    return f"Step {int(e.data.get('index', 0)) + 1}: {STEP_KINDS.get(e.data.get('type'), e.data.get('type'))}."


def _turn_end(e: EventRow, cast: Cast) -> str:
    how = ENDED_BY.get(e.data.get("ended_by"), f"(ended by {e.data.get('ended_by')})")
    did = "talked for" if turn_spoke(e.data) else "was silent for"
    return f"  {cast.name(e.data)} {did} {float(e.data.get('seconds', 0)):.1f} s, {how}."


def _heard(e: EventRow, cast: Cast) -> str | None:
    intent = e.data.get("intent")
    if not intent:
        return None  # talk that was not a command is the couple's own; the turns already account for it
    said = f" (\"{e.data['text']}\")" if e.data.get("text") else ""
    return f"  Heard \"{COMMANDS.get(intent, intent.replace('_', ' '))}\"{said}."


def _pause(e: EventRow, cast: Cast) -> str:
    left = e.data.get("remaining")
    return "  Paused" + (f" with {float(left):.0f} s left." if left is not None else ".")


LINES: dict[str, Callable[[EventRow, Cast], str | None]] = {
    "session_start": lambda e, cast: None,           # the headline says it
    "step": _step,
    "turn_start": lambda e, cast: f"  {cast.name(e.data)}'s turn began.",
    "turn_end": _turn_end,
    "timer_start": lambda e, cast: f"  A {float(e.data.get('seconds', 0)):g}-second timer started.",
    "timer_end": lambda e, cast: f"  The timer ran its {float(e.data.get('seconds', 0)):g} s.",
    "question": lambda e, cast: f"  The question: \"{e.data.get('question', '')}\"",
    "ask_start": lambda e, cast: None,               # the step line says a question was asked
    "answer": lambda e, cast: f"  The answer was {'yes' if e.data.get('yes') else 'no'}.",
    "reprompt": lambda e, cast: "  " + REPROMPTS.get(e.data.get("reason"), "The device asked again."),
    "pause": _pause,
    "resume": lambda e, cast: "  Resumed.",
    "skip": lambda e, cast: f"  Step {int(e.data.get('index', 0)) + 1} was skipped.",
    "heard": _heard,
    "session_end": lambda e, cast: ENDINGS.get(e.data.get("status"), f"It ended: {e.data.get('status')}."),
}


def account(session: SessionRow, events: list[EventRow], ritual_name: str, names: tuple[str, str]) -> list[str]:
    """The lines of ``rituals show``: a headline, then one line per moment, each at its time."""
    cast = Cast(session, names)
    lines = headline(session, ritual_name)
    for e in events:
        line = LINES.get(e.kind, lambda e, cast: f"  {e.kind.replace('_', ' ')}.")(e, cast)
        if line is not None:
            lines.append(f"  {clock(e.offset_s):>5}  {line}")
    return lines
