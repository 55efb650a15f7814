"""The ritual engine: one ritual session as a pure state machine.

Events in (``Heard``, ``Activity``, ``OutputDone``, ``Tick``), actions out. No I/O, no sleeping, no
threads, no wall clock: the driver passes the time in every event and wakes the engine at
``next_deadline()``. Everything that happens at a deadline is stamped with the deadline itself, not
with the (later) moment the driver woke, so a six-second timer is 6.000 s on any driver.

What each step does is its own step type's (``voice.core.steps``), what each command does is in
``voice.core.commands``; the engine is the ``Host`` of the one and the ``Session`` of the other: it says,
listens, keeps the step index and the pause, and moves on.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from voice.library.intents import Context
from voice.library.rituals import Ritual, SystemPrompts
from voice.core import journal_events as je
from voice.core.commands import COMMANDS
from voice.core.engine_state import EngineState
from voice.core.listening import Listening
from voice.core.outputs import Outputs
from voice.core.events import Action, Activity, Chime, EndSession, Event, Heard, Log, OutputDone, Say, SessionStatus, StopOutput
from voice.core.step_base import Running, SayKind, StepType, Who


@dataclass(frozen=True)
class EngineSettings:
    """Timings the ritual files do not set."""

    ask_seconds: float = 10.0
    """How long a yes/no question waits for an answer before its one reprompt."""
    pause_limit_seconds: float = 1800.0
    """A pause longer than this ends the ritual kindly: a forgotten pause must not hang forever."""


class RitualEngine:
    """Runs one ritual for one couple; see the module docstring."""

    def __init__(self, ritual: Ritual, system: SystemPrompts, names: tuple[str, str], first: int,
                 asked: Mapping[str, set[str]] | None = None, rng: random.Random | None = None,
                 settings: EngineSettings | None = None, outputs: Outputs | None = None,
                 listening: Listening | None = None) -> None:
        """``outputs``, ``listening``: the count of outputs and the listening context, the skill's, shared
        with its sessions (see ``voice.core.outputs``, ``voice.core.listening``)."""
        self.ritual = ritual
        self.system = system
        self.names = names
        self.first = first
        self.settings = settings or EngineSettings()
        self._asked = {deck: set(questions) for deck, questions in (asked or {}).items()}
        self._rng = rng or random.Random(0)
        self._questions: dict[int, str] = {}
        self.state = EngineState()
        self.outputs = outputs or Outputs()
        self.outputs.all_finished()  # the session does not wait for what was said before it
        self.listening = listening or Listening()
        self.last_prompt = ""
        self.status: SessionStatus | None = None

    # ---- public ---------------------------------------------------------------------------------

    @property
    def ended(self) -> bool:
        return self.state.phase == "ended"

    def start(self, now: float) -> list[Action]:
        out: list[Action] = [Log(now, je.SessionStart(self.ritual.id, self.first))]
        self.next(now, out)
        return out

    def next_deadline(self) -> float | None:
        """The next moment the engine must be woken (with a ``Tick``), or ``None``."""
        s = self.state
        if s.phase == "running" and s.running is not None:
            return s.running.next_deadline()
        if s.phase == "paused" and s.paused is not None:
            return s.paused.since + self.settings.pause_limit_seconds
        return None

    def handle(self, event: Event) -> list[Action]:
        out: list[Action] = []
        if self.ended:
            return out
        if isinstance(event, OutputDone):
            self.outputs.done(event.outputs)
            self._on_output_done(event.now, out)
        elif isinstance(event, Activity):
            if (running := self.running()) is not None:
                running.speech(self, event.now)
        elif isinstance(event, Heard):
            self._on_heard(event, out)
        self._advance(event.now, out)
        return out

    def time_left(self, now: float) -> float | None:
        """Seconds left on the running (or paused) timer or turn."""
        s = self.state
        if s.phase == "paused" and s.paused is not None:
            return s.paused.remaining
        running = self.running()
        return running.time_left(now) if running is not None else None

    # ---- the host of the steps (voice.step_base.Host) --------------------------------------------

    @property
    def ask_seconds(self) -> float:
        return self.settings.ask_seconds

    @property
    def index(self) -> int:
        return self.state.index

    @property
    def output_pending(self) -> bool:
        return self.outputs.pending

    def say(self, out: list[Action], text: str, kind: SayKind = "prompt") -> None:
        self.outputs.give(out, Say(text, kind))
        if kind == "prompt":
            self.last_prompt = text
        if (running := self.running()) is not None:
            running.device_spoke()  # the room is not silent while the device talks

    def chime(self, out: list[Action], name: str) -> None:
        self.outputs.give(out, Chime(name))

    def listen(self, out: list[Action], context: Context) -> None:
        self.listening.switch(out, context)

    def line(self, key: str, **values: object) -> str:
        return self.system.get(key, **values)

    def fill(self, text: str, who: Who | None = None) -> str:
        speaker = self.partner(who or "first")
        return text.format(first=self.names[self.first], second=self.names[1 - self.first],
                           who=self.names[speaker], other=self.names[1 - speaker],
                           question=self._questions.get(self.state.index, ""))

    def partner(self, who: Who) -> int:
        return self.first if who == "first" else 1 - self.first

    def draw(self, deck: str, now: float, out: list[Action]) -> str:
        if self.state.index in self._questions:  # drawn already (the prompt is said again after a pause)
            return self._questions[self.state.index]
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
        self._questions[self.state.index] = question
        out.append(Log(now, je.Question(deck, question)))
        return question

    def then(self, now: float, out: list[Action], running: Running | None) -> None:
        s = self.state
        s.phase, s.running, s.then = "output", None, running
        if not self.output_pending:  # nothing to wait for
            self._on_output_done(now, out)

    def open(self, now: float, out: list[Action], running: Running) -> None:
        s = self.state
        s.phase, s.running, s.then = "running", running, None
        running.open(self, now, out)

    def next(self, at: float, out: list[Action]) -> None:
        s = self.state
        s.index += 1
        s.running = s.then = None
        if s.index >= len(self.ritual.steps):
            self.finish(at, "completed", out)
            return
        step = self._step()
        out.append(Log(at, je.StepStart(s.index, step.NAME)))
        self._enter(at, step, out)

    # ---- steps ----------------------------------------------------------------------------------

    def _step(self) -> StepType:
        return self.ritual.steps[self.state.index]

    def running(self) -> Running | None:
        """The running step, while it runs (not while paused or while a prompt plays)."""
        return self.state.running if self.state.phase == "running" else None

    def _enter(self, now: float, step: StepType, out: list[Action]) -> None:
        self.state.phase = "output"
        self.listen(out, "turn")
        step.enter(self, now, out)

    def _on_output_done(self, now: float, out: list[Action]) -> None:
        if self.output_pending:
            return
        s = self.state
        if s.phase == "output":
            if s.then is not None:
                self.open(now, out, s.then)
            else:
                self.next(now, out)
        elif (running := self.running()) is not None:
            running.output_done(self, now)

    # ---- what commands do to the session (voice.commands.Session) -------------------------------

    def abort(self, now: float, status: SessionStatus) -> list[Action]:
        """The driver is stopping mid-session (Ctrl-C, a failed device): the journal entries that
        close it truthfully, the running timer or turn with the time it really ran."""
        out: list[Action] = []
        if not self.ended:
            self.close_running(now, "stop" if status == "stopped" else status, out)
            self.finish(now, status, out)
        return out

    def cut_output(self, out: list[Action]) -> None:
        out.append(StopOutput())
        self.outputs.all_finished()

    def close_running(self, at: float, ended_by: str, out: list[Action]) -> None:
        """Journal the timer or turn cut short at ``at`` (also from a pause) with the time it ran, so a
        kiss stopped half-way is three seconds in the journal, not nothing."""
        s = self.state
        paused = s.paused if s.phase == "paused" else None
        running = paused.running if paused else self.running()
        until = paused.since if paused else at   # the time since the pause did not run
        if running is not None:
            running.close(at, until, ended_by, out)

    def enter_step(self, now: float, out: list[Action]) -> None:
        self._enter(now, self._step(), out)

    def finish(self, at: float, status: SessionStatus, out: list[Action]) -> None:
        self.state.phase = "ended"
        self.state.running = self.state.then = None
        self.status = status
        out.append(Log(at, je.SessionEnd(status)))
        out.append(EndSession(at, status))

    # ---- time -----------------------------------------------------------------------------------

    def _advance(self, now: float, out: list[Action]) -> None:
        """Handle every deadline up to ``now``, each at its own time."""
        for _ in range(1000):  # bounded: each pass moves a step or consumes a cue
            due = self.next_deadline()
            if due is None or due > now:
                return
            if (running := self.running()) is not None:
                running.due(self, due, out)
            elif self.state.phase == "paused":
                self.say(out, self.system.get("ended_early"), "reply")
                self.close_running(due, "pause_limit", out)
                self.finish(due, "stopped", out)

    # ---- speech ---------------------------------------------------------------------------------

    def _on_heard(self, event: Heard, out: list[Action]) -> None:
        now, match = event.now, event.match
        self._advance(now, out)  # deadlines that passed before the utterance came first
        if self.ended:
            return
        if match is None:
            if (running := self.running()) is not None:
                running.unmatched(self, now, out)
            return  # chat during a timer or over a prompt is the couple's, not ours
        command = COMMANDS.get(match.intent)
        if command is None or command.during is None:  # another ritual, a list...: one at a time
            self.say(out, self.system.get("busy", ritual=self.ritual.name), "reply")
        else:
            command.during(self, now, out)
