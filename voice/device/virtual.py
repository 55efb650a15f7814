"""A virtual room on a virtual clock: scripted speech in, a fake voice out, no sleeping.

Tests, the demo's planning and the evaluation use it to drive the real runner, skill and journal
deterministically. The fake voice takes exactly ``seconds_per_char`` per character of text (like
piper's tiny test voice), so tests can assert exact times.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from voice.core.events import Action, Chime, Say, StopOutput
from voice.core.devices import NoDisplay, EndOfInput, InputItem, Wake


class PlaybackTracker:
    """Outputs on a virtual timeline: each plays after the one before, and counts as finished once
    the clock passes its end (or when cut off). Shared by the virtual and the render rooms."""

    def __init__(self, clock: "VirtualClock") -> None:
        self.clock = clock
        self._ends: list[float] = []
        self._finished = 0
        self.busy_until = 0.0

    def add(self, now: float, length: float) -> tuple[float, float]:
        """Queue an output of ``length`` seconds; returns its (start, end)."""
        start = max(now, self.busy_until)
        self.busy_until = start + length
        self._ends.append(self.busy_until)
        return start, self.busy_until

    def cut(self, now: float) -> None:
        self._finished += len(self._ends)
        self._ends.clear()
        self.busy_until = now

    def next_end(self) -> float | None:
        return min(self._ends) if self._ends else None

    def completed(self) -> int:
        now = self.clock.now()
        done = [t for t in self._ends if t <= now]
        if done:
            self._finished += len(done)
            self._ends = [t for t in self._ends if t > now]
        return self._finished


class VirtualClock:
    """A clock that moves only when told to."""

    def __init__(self, start: float = 0.0) -> None:
        self.t = start

    def now(self) -> float:
        return self.t

    def advance(self, to: float, limit: float) -> None:
        """Move to ``to`` (never back); past ``limit`` the skill is stuck, which is a bug, not a wait."""
        if to > limit:
            raise DeadlockError(f"the session ran past {limit} s of virtual time")
        self.t = max(self.t, to)


class DeadlockError(RuntimeError):
    """The runner waited forever: nothing scheduled and no deadline (a bug in the skill)."""


@dataclass(frozen=True)
class Performed:
    """An action the room saw, and when."""

    at: float
    action: Action


Responder = Callable[[Action, float], Iterable[tuple[float, InputItem]]]
"""Called with each action; returns (delay, input) pairs to schedule: the couple's reactions."""


class VirtualRoom(NoDisplay):
    """Both the runner's ``Source`` and its ``Output``."""

    def __init__(self, clock: VirtualClock, script: Iterable[tuple[float, InputItem]] = (),
                 respond: Responder | None = None, seconds_per_char: float = 0.05,
                 chime_seconds: float = 0.8, end_input: bool = True, limit: float = 24 * 3600) -> None:
        self.clock = clock
        self.respond = respond
        self.seconds_per_char = seconds_per_char
        self.chime_seconds = chime_seconds
        self.limit = limit
        self.log: list[Performed] = []
        self._order = itertools.count()
        self._inputs: list[tuple[float, int, InputItem]] = []
        for at, item in script:
            self.schedule(at, item)
        if end_input:
            self.schedule(max((t for t, _ in script), default=0.0) + 1e-3, EndOfInput())
        self.playback = PlaybackTracker(clock)

    def schedule(self, at: float, item: InputItem) -> None:
        heapq.heappush(self._inputs, (at, next(self._order), item))

    # ---- output ---------------------------------------------------------------------------------

    def perform(self, action: Action, now: float) -> None:
        self.log.append(Performed(now, action))
        if isinstance(action, (Say, Chime)):
            length = self.chime_seconds if isinstance(action, Chime) else len(action.text) * self.seconds_per_char
            self.playback.add(now, length)
        elif isinstance(action, StopOutput):
            self.playback.cut(now)
        if self.respond is not None:
            for delay, item in self.respond(action, now):
                self.schedule(now + delay, item)

    def completed(self) -> int:
        return self.playback.completed()

    # ---- input ----------------------------------------------------------------------------------

    def get(self, timeout: float | None) -> InputItem | None:
        now = self.clock.now()
        candidates = []
        if self._inputs:
            candidates.append(self._inputs[0][0])
        if self.playback.next_end() is not None:
            candidates.append(self.playback.next_end())
        wake = min(candidates) if candidates else None
        if timeout is None and wake is None:
            raise DeadlockError(f"nothing will ever happen at t={now:.3f}")
        until = now + timeout if timeout is not None else float("inf")
        if wake is None or wake > until:
            self.clock.advance(until, self.limit)
            return None
        self.clock.advance(max(now, wake), self.limit)
        end = self.playback.next_end()
        if end is not None and end <= self.clock.now():
            return Wake()
        return heapq.heappop(self._inputs)[2]

    # ---- reading the log ------------------------------------------------------------------------

    def said(self) -> list[str]:
        return [p.action.text for p in self.log if isinstance(p.action, Say)]
