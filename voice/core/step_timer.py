"""The timer step: exact time for something the couple does together (a kiss, a hug, quiet coffee)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from voice.core import journal_events as je
from voice.core.events import Action, Log, TimerShown
from voice.core.step_base import NAMES, Host, StepSource, StepType, Timed

#: Cues need room: a halfway cue only on timers of this many seconds or more, a last-minute cue only on
#: timers longer than this (else it would come at or before the start).
HALFWAY_FROM = 4.0
LAST_MINUTE_OVER = 120.0


@dataclass(frozen=True)
class TimerStep(StepType):
    """Keep time; optional spoken cues at the halfway point and with one minute left."""

    KEYS: ClassVar[tuple[str, ...]] = ("timer",)
    NAME: ClassVar[str] = "timer"
    seconds: float
    """Exact length of the timer."""
    halfway: str | None = None
    """Said once at the halfway point (timers of 4 s or more)."""
    last_minute: str | None = None
    """Said once when one minute is left (timers longer than two minutes)."""
    silent: bool = False
    """No spoken cues and no countdown: just the time."""
    line: int = 0

    @classmethod
    def parse(cls, key: str, body: Any, source: StepSource) -> TimerStep:
        r = source.reader(key, body, NAMES)
        r.reject_unknown({"seconds", "halfway", "last_minute", "silent"})
        step = cls(r.number("seconds"), r.text("halfway", False), r.text("last_minute", False),
                   r.flag("silent", False), source.line)
        # Every field written is acted on: a cue that could never be said is refused here.
        if step.silent and (step.halfway or step.last_minute):
            raise r.fail("silent", "a silent timer says nothing: remove halfway and last_minute")
        if step.halfway and step.seconds < HALFWAY_FROM:
            raise r.fail("halfway", f"only timers of {HALFWAY_FROM:g} seconds or more have a halfway cue")
        if step.last_minute and step.seconds <= LAST_MINUTE_OVER:
            raise r.fail("last_minute", "only timers longer than two minutes have a last-minute cue")
        return step

    def enter(self, host: Host, now: float, out: list[Action]) -> None:
        host.open(now, out, TimerRun(self))


class TimerRun(Timed):
    """A running timer: its end and the cues still to say."""

    counts_down: ClassVar[bool] = True

    def __init__(self, step: TimerStep) -> None:
        super().__init__()
        self.step = step
        self.silent = step.silent
        self.cues: list[tuple[float, str]] = []
        """(seconds left when due, text): measured from the end, so pausing moves them."""

    def open(self, host: Host, now: float, out: list[Action]) -> None:
        step = self.step
        self.started, self.deadline = now, now + step.seconds
        if step.halfway:
            self.cues.append((step.seconds / 2, host.fill(step.halfway)))
        if step.last_minute:
            self.cues.append((60.0, host.fill(step.last_minute)))
        out.append(Log(now, je.TimerStart(step.seconds)))
        out.append(TimerShown(step.seconds, True, step.silent))

    def next_deadline(self) -> float | None:
        return min([self.deadline, *(self.deadline - left for left, _ in self.cues)])

    def due(self, host: Host, at: float, out: list[Action]) -> None:
        left = self.deadline - at
        cue = next((c for c in self.cues if c[0] >= left - 1e-9), None)
        if cue is not None and at < self.deadline:
            self.cues.remove(cue)
            host.say(out, cue[1], "cue")
            return
        out.append(Log(self.deadline, je.TimerEnd(self.ran(self.deadline), "time")))
        out.append(TimerShown(0.0, False))
        host.next(self.deadline, out)

    def command(self, host: Host, intent: str, now: float, out: list[Action]) -> bool:
        return intent == "done"  # nobody is told off for talking during a kiss

    def close(self, at: float, until: float, ended_by: str, out: list[Action]) -> None:
        out.append(Log(at, je.TimerEnd(self.ran(until), ended_by)))
