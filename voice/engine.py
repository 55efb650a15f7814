"""The ritual engine: one ritual session as a pure state machine.

Events in (``Heard``, ``Activity``, ``OutputDone``, ``Tick``), actions out. No I/O, no sleeping, no
threads, no wall clock: the driver passes the time in every event and wakes the engine at
``next_deadline()``. Everything that happens at a deadline is stamped with the deadline itself, not
with the (later) moment the driver woke, so a six-second timer is 6.000 s on any driver.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from prompts import Ritual, SystemPrompts
from prompts.schema import AskStep, ChimeStep, SayStep, Step, TimerStep, TurnStep
from voice import journal_events as je
from voice.events import (Action, Activity, Chime, EndSession, Event, Heard, Listen, ListenContext, Log,
                          OutputDone, Say, SessionStatus, StopOutput, TimerShown)
from voice.engine_commands import CommandsMixin
from voice.engine_state import EngineState

@dataclass(frozen=True)
class EngineSettings:
    """Timings the ritual files do not set."""

    ask_seconds: float = 10.0
    """How long a yes/no question waits for an answer before its one reprompt."""
    pause_limit_seconds: float = 1800.0
    """A pause longer than this ends the ritual kindly: a forgotten pause must not hang forever."""


class RitualEngine(CommandsMixin):
    """Runs one ritual for one couple; see the module docstring."""

    def __init__(self, ritual: Ritual, system: SystemPrompts, names: tuple[str, str], first: int,
                 asked: Mapping[str, set[str]] | None = None, rng: random.Random | None = None,
                 settings: EngineSettings | None = None, outputs_before: int = 0) -> None:
        """``outputs_before``: outputs the driver was told about before this session (see OutputDone)."""
        self.ritual = ritual
        self.system = system
        self.names = names
        self.first = first
        self.settings = settings or EngineSettings()
        self._asked = {deck: set(questions) for deck, questions in (asked or {}).items()}
        self._rng = rng or random.Random(0)
        self._questions: dict[int, str] = {}
        self._s = EngineState()
        self._emitted = outputs_before
        self._finished = outputs_before
        self._after_output: str = ""
        self._last_prompt = ""
        self._context: ListenContext | None = None
        self.status: SessionStatus | None = None

    # ---- public ---------------------------------------------------------------------------------

    @property
    def ended(self) -> bool:
        return self._s.phase == "ended"

    def start(self, now: float) -> list[Action]:
        out: list[Action] = [Log(now, je.SessionStart(self.ritual.id, self.first))]
        self._next(now, out)
        return out

    def next_deadline(self) -> float | None:
        """The next moment the engine must be woken (with a ``Tick``), or ``None``."""
        s = self._s
        if s.phase == "timer" and s.deadline is not None:
            due = [s.deadline - left for left, _ in s.cues]
            return min([s.deadline, *due])
        if s.phase in ("turn", "ask"):
            times = [t for t in (s.deadline, s.silence_at) if t is not None]
            return min(times) if times else None
        if s.phase == "paused" and s.paused is not None:
            return s.paused.since + self.settings.pause_limit_seconds
        return None

    def handle(self, event: Event) -> list[Action]:
        out: list[Action] = []
        if self.ended:
            return out
        if isinstance(event, OutputDone):
            self._finished = max(self._finished, event.outputs)
            self._on_output_done(event.now, out)
        elif isinstance(event, Activity):
            self._on_speech(event.now)
        elif isinstance(event, Heard):
            self._on_heard(event, out)
        self._advance(event.now, out)
        return out

    def time_left(self, now: float) -> float | None:
        """Seconds left on the running (or paused) timer or turn."""
        s = self._s
        if s.phase == "paused" and s.paused is not None:
            return s.paused.remaining
        if s.phase in ("timer", "turn") and s.deadline is not None:
            return max(0.0, s.deadline - now)
        return None

    # ---- output ---------------------------------------------------------------------------------

    def _say(self, out: list[Action], text: str, kind: Literal["prompt", "reply", "cue"] = "prompt") -> None:
        out.append(Say(text, kind))
        self._emitted += 1
        if kind == "prompt":
            self._last_prompt = text
        if self._s.phase in ("turn", "ask"):
            self._s.silence_at = None  # the room is not silent while the device talks

    def _chime(self, out: list[Action], name: str) -> None:
        out.append(Chime(name))
        self._emitted += 1

    def _cut_output(self, out: list[Action]) -> None:
        out.append(StopOutput())
        self._finished = self._emitted

    def _listen(self, out: list[Action], context: ListenContext) -> None:
        if context != self._context:
            self._context = context
            out.append(Listen(context))

    def _fill(self, text: str, step: Step | None = None) -> str:
        who = getattr(step, "who", "first")
        speaker = self.first if who == "first" else 1 - self.first
        return text.format(first=self.names[self.first], second=self.names[1 - self.first],
                           who=self.names[speaker], other=self.names[1 - speaker],
                           question=self._questions.get(self._s.index, ""), round="")

    def _on_output_done(self, now: float, out: list[Action]) -> None:
        if self._emitted > self._finished:
            return
        s = self._s
        if s.phase == "output":
            then, self._after_output = self._after_output, ""
            if then == "turn":
                self._open_turn(now, out)
            elif then == "ask":
                self._open_ask(now, out)
            else:
                self._next(now, out)
        elif s.phase == "turn":
            step = self._step()
            assert isinstance(step, TurnStep)
            s.silence_at = now + step.silence_seconds
        elif s.phase == "ask":
            s.silence_at = now + self.settings.ask_seconds

    # ---- steps ----------------------------------------------------------------------------------

    def _step(self) -> Step:
        return self.ritual.steps[self._s.index]

    def _next(self, now: float, out: list[Action]) -> None:
        s = self._s
        s.index += 1
        s.deadline = s.silence_at = None
        s.cues = []
        if s.index >= len(self.ritual.steps):
            self._finish(now, "completed", out)
            return
        step = self._step()
        out.append(Log(now, je.StepStart(s.index, type(step).__name__[:-4].lower())))
        self._enter(now, step, out)

    def _enter(self, now: float, step: Step, out: list[Action]) -> None:
        s = self._s
        s.phase = "output"
        self._listen(out, "turn")
        if isinstance(step, SayStep):
            self._say(out, self._fill(step.text))
        elif isinstance(step, ChimeStep):
            self._chime(out, step.name)
        elif isinstance(step, TimerStep):
            self._open_timer(now, step, step.seconds, out)
            return
        elif isinstance(step, TurnStep):
            if step.deck is not None and s.index not in self._questions:
                self._questions[s.index] = self._draw(step.deck, now, out)
            self._say(out, self._fill(step.prompt, step))
            self._after_output = "turn"
        elif isinstance(step, AskStep):
            self._say(out, self._fill(step.prompt))
            self._after_output = "ask"
        if self._emitted <= self._finished:  # nothing to wait for
            self._on_output_done(now, out)

    def _draw(self, deck: str, now: float, out: list[Action]) -> str:
        questions = self.ritual.decks[deck]
        asked = self._asked.setdefault(deck, set())
        fresh = [q for q in questions if q not in asked]
        if not fresh:  # the deck is used up: start it over, but not with tonight's questions
            tonight = set(self._questions.values())
            asked.clear()
            asked.update(q for q in questions if q in tonight)
            fresh = [q for q in questions if q not in asked] or list(questions)
        question = self._rng.choice(fresh)
        asked.add(question)
        out.append(Log(now, je.Question(deck, question)))
        return question

    def _open_timer(self, now: float, step: TimerStep, seconds: float, out: list[Action]) -> None:
        s = self._s
        s.phase, s.started, s.deadline, s.paused_total = "timer", now, now + seconds, 0.0
        if not step.silent:
            if step.halfway and step.seconds >= 4:
                s.cues.append((step.seconds / 2, self._fill(step.halfway)))
            if step.last_minute and step.seconds > 120:
                s.cues.append((60.0, self._fill(step.last_minute)))
            s.cues = [c for c in s.cues if c[0] < seconds]
        out.append(Log(now, je.TimerStart(step.seconds)))
        out.append(TimerShown(seconds, True, step.silent))

    def _open_turn(self, now: float, out: list[Action]) -> None:
        step = self._step()
        assert isinstance(step, TurnStep)
        s = self._s
        s.phase, s.started, s.spoke, s.silences, s.paused_total = "turn", now, False, 0, 0.0
        s.deadline = now + step.max_seconds
        s.silence_at = now + step.silence_seconds
        self._listen(out, "turn")
        out.append(Log(now, je.TurnStart(step.who, self._partner(step))))

    def _open_ask(self, now: float, out: list[Action]) -> None:
        s = self._s
        s.phase, s.failures = "ask", 0
        s.silence_at = now + self.settings.ask_seconds
        self._listen(out, "idle")
        out.append(Log(now, je.AskStart(s.index)))

    def _ran(self, at: float) -> float:
        """How long the current timer or turn has run, pauses left out."""
        return round(at - self._s.started - self._s.paused_total, 3)

    def _partner(self, step: TurnStep) -> int:
        return self.first if step.who == "first" else 1 - self.first

    def _end_turn(self, at: float, ended_by: str, out: list[Action]) -> None:
        self._log_turn_end(at, at, ended_by, out)
        self._next(at, out)

    def _log_turn_end(self, at: float, until: float, ended_by: str, out: list[Action]) -> None:
        """Journal the turn as it went: how long it ran up to ``until`` and whether anyone spoke in it
        (a turn that ended in a quiet room is silent, not a partner's talk)."""
        step = self._step()
        assert isinstance(step, TurnStep)
        out.append(Log(at, je.TurnEnd(step.who, self._partner(step), self._ran(until), ended_by,
                                      spoke=self._s.spoke)))

    def _answer(self, at: float, yes: bool, out: list[Action]) -> None:
        step = self._step()
        assert isinstance(step, AskStep)
        out.append(Log(at, je.Answer(yes)))
        reply = step.yes if yes else step.no
        if reply:
            self._s.phase = "output"
            self._say(out, self._fill(reply))
            self._after_output = ""
        else:
            self._next(at, out)

    def _finish(self, at: float, status: SessionStatus, out: list[Action]) -> None:
        self._s.phase = "ended"
        self._s.deadline = self._s.silence_at = None
        self.status = status
        out.append(Log(at, je.SessionEnd(status)))
        out.append(EndSession(at, status))

    # ---- time -----------------------------------------------------------------------------------

    def _advance(self, now: float, out: list[Action]) -> None:
        """Handle every deadline up to ``now``, each at its own time."""
        for _ in range(1000):  # bounded: each pass moves a step or consumes a cue
            s = self._s
            due = self.next_deadline()
            if due is None or due > now:
                return
            if s.phase == "timer":
                assert s.deadline is not None
                left = s.deadline - due
                cue = next((c for c in s.cues if c[0] >= left - 1e-9), None)
                if cue is not None and due < s.deadline:
                    s.cues.remove(cue)
                    self._say(out, cue[1], "cue")
                    continue
                out.append(Log(s.deadline, je.TimerEnd(self._ran(s.deadline), "time")))
                out.append(TimerShown(0.0, False))
                self._next(s.deadline, out)
            elif s.phase == "turn":
                if s.deadline is not None and due >= s.deadline:
                    self._say(out, self.system.get("turn_time_up"), "reply")
                    self._end_turn(s.deadline, "time", out)
                else:
                    self._turn_silence(due, out)
            elif s.phase == "ask":
                self._ask_failed(due, out)
            elif s.phase == "paused":
                self._say(out, self.system.get("ended_early"), "reply")
                self._close_running(due, "pause_limit", out)
                self._finish(due, "stopped", out)

    def _turn_silence(self, at: float, out: list[Action]) -> None:
        step = self._step()
        assert isinstance(step, TurnStep)
        s = self._s
        s.silences += 1
        s.silence_at = None
        if s.silences == 1 and (step.hint or not s.spoke):
            # One gentle reprompt: a hint for someone stuck, or the question again if nobody spoke.
            self._say(out, self._fill(step.hint or step.prompt, step), "reply" if step.hint else "prompt")
            out.append(Log(at, je.Reprompt("silence")))
        elif step.end_on_silence:
            self._end_turn(at, "silence", out)
        # else: this turn only ends on "I'm done" or at its time limit; keep waiting quietly

    def _ask_failed(self, at: float, out: list[Action]) -> None:
        s = self._s
        s.failures += 1
        s.silence_at = None
        if s.failures == 1:
            self._say(out, self.system.get("not_understood_ask"), "reply")
            out.append(Log(at, je.Reprompt("not understood")))
        else:
            self._answer(at, False, out)  # never a dead end: no answer counts as no

    # ---- speech ---------------------------------------------------------------------------------

    def _on_speech(self, now: float) -> None:
        s = self._s
        if s.phase == "turn":
            step = self._step()
            assert isinstance(step, TurnStep)
            s.spoke = True
            s.silence_at = now + step.silence_seconds if self._emitted <= self._finished else None

    def _on_heard(self, event: Heard, out: list[Action]) -> None:
        now, match = event.now, event.match
        self._advance(now, out)  # deadlines that passed before the utterance came first
        if self.ended:
            return
        intent = match.intent if match else None
        s = self._s
        if intent is None:
            if s.phase == "turn":
                self._on_speech(now)
            elif s.phase == "ask":
                self._ask_failed(now, out)
            return  # chat during a timer or over a prompt is the couple's, not ours
        handler = getattr(self, f"_cmd_{intent}", None)
        if handler is None:
            self._say(out, self.system.get("busy", ritual=self.ritual.name), "reply")
        else:
            handler(now, out)
