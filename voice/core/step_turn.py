"""The turn step (``turn``, and ``question`` for a turn on a question drawn from a deck): one partner
talks while the other listens; the device only listens for whole commands."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from voice.errors import DataFileError
from voice.core import journal_events as je
from voice.core.events import Action, Log
from voice.core.step_base import NAMES, Host, StepSource, StepType, Timed, Who

ENDS = frozenset({"done", "silence"})


@dataclass(frozen=True)
class TurnStep(StepType):
    """One partner's turn to talk."""

    KEYS: ClassVar[tuple[str, ...]] = ("turn", "question")
    NAME: ClassVar[str] = "turn"
    who: Who
    """``first`` or ``second`` speaker of this session (who goes first alternates by session)."""
    prompt: str
    """Said to open the turn; for a deck question ``{question}`` stands for the drawn question."""
    max_seconds: float
    """The turn ends here at the latest."""
    end_on_done: bool = True
    """End when the speaker says "I'm done" / "that's it"."""
    end_on_silence: bool = True
    """End after ``silence_seconds`` of quiet (after one gentle hint, if there is one)."""
    silence_seconds: float = 12.0
    """How long a quiet room means the speaker has finished (or, once, gets the hint)."""
    hint: str | None = None
    """Said once on the first silence, e.g. example words for someone who is stuck."""
    deck: str | None = None
    """When set (a ``question`` step), ``{question}`` is drawn from this deck of the ritual."""
    line: int = 0

    @classmethod
    def parse(cls, key: str, body: Any, source: StepSource) -> TurnStep:
        question = key == "question"
        r = source.reader(key, body, NAMES | {"who", "other"} | ({"question"} if question else set()))
        r.reject_unknown({"who", "prompt", "max_seconds", "end_on", "silence_seconds", "hint"}
                         | ({"deck"} if question else set()))
        if not question and "{question}" in str(r.data.get("prompt", "")):
            raise r.fail("prompt", "{question} only works in a question step")
        end_on = r.data.get("end_on", ["done", "silence"])
        if not isinstance(end_on, list) or not end_on or not set(end_on) <= ENDS:
            raise r.fail("end_on", "must be a list of 'done' and/or 'silence'")
        who = r.data.get("who")
        if who not in ("first", "second"):
            raise r.fail("who" if "who" in r.data else None, "must be 'first' or 'second'")
        prompt = r.text("prompt", required=not question) or "{question}"
        if question and "{question}" not in prompt:
            raise r.fail("prompt", "must say the drawn {question}")
        return cls(who, prompt, r.number("max_seconds", 180.0), "done" in end_on, "silence" in end_on,
                   r.number("silence_seconds", 12.0), r.text("hint", False),
                   r.text("deck") if question else None, source.line)

    def check(self, decks: Mapping[str, tuple[str, ...]], path: str) -> None:
        if self.deck is not None and self.deck not in decks:
            raise DataFileError(path, f"question step uses deck '{self.deck}', which the file does not define",
                                self.line)

    def enter(self, host: Host, now: float, out: list[Action]) -> None:
        if self.deck is not None:
            host.draw(self.deck, now, out)
        host.say(out, host.fill(self.prompt, self.who))
        host.then(now, out, TurnRun(self))


class TurnRun(Timed):
    """A turn under way: whether anyone spoke, the quiet so far, its latest end."""

    help_key: ClassVar[str] = "help_turn"

    def __init__(self, step: TurnStep) -> None:
        super().__init__()
        self.step = step
        self.partner = 0
        self.spoke = False
        self.silences = 0
        self.silence_at: float | None = None
        """When the quiet room counts as silence; ``None`` while someone (or the device) talks."""

    def open(self, host: Host, now: float, out: list[Action]) -> None:
        step = self.step
        self.started, self.deadline = now, now + step.max_seconds
        self.silence_at = now + step.silence_seconds
        self.partner = host.partner(step.who)
        host.listen(out, "turn")
        out.append(Log(now, je.TurnStart(step.who, self.partner)))

    def next_deadline(self) -> float | None:
        return min(t for t in (self.deadline, self.silence_at) if t is not None)

    def due(self, host: Host, at: float, out: list[Action]) -> None:
        if at >= self.deadline:
            host.say(out, host.line("turn_time_up"), "reply")
            self._end(host, self.deadline, "time", out)
        else:
            self._silence(host, at, out)

    def _silence(self, host: Host, at: float, out: list[Action]) -> None:
        step = self.step
        self.silences += 1
        self.silence_at = None
        if self.silences == 1 and (step.hint or not self.spoke):
            # One gentle reprompt: a hint for someone stuck, or the question again if nobody spoke.
            host.say(out, host.fill(step.hint or step.prompt, step.who), "reply" if step.hint else "prompt")
            out.append(Log(at, je.Reprompt("silence")))
        elif step.end_on_silence:
            self._end(host, at, "silence", out)
        # else: this turn only ends on "I'm done" or at its time limit; keep waiting quietly

    def _end(self, host: Host, at: float, ended_by: str, out: list[Action]) -> None:
        self.close(at, at, ended_by, out)
        host.next(at, out)

    def output_done(self, host: Host, now: float) -> None:
        self.silence_at = now + self.step.silence_seconds

    def device_spoke(self) -> None:
        self.silence_at = None

    def speech(self, host: Host, now: float) -> None:
        self.spoke = True
        self.silence_at = None if host.output_pending else now + self.step.silence_seconds

    def command(self, host: Host, intent: str, now: float, out: list[Action]) -> bool:
        if intent != "done":
            return False
        if self.step.end_on_done:
            self._end(host, now, "done", out)
        else:  # a turn that ends only on silence: "I'm done" is the speaker's own words, not a command
            self.speech(host, now)
        return True

    def pause(self) -> None:
        self.silence_at = None

    def close(self, at: float, until: float, ended_by: str, out: list[Action]) -> None:
        """Journal the turn as it went: how long it ran up to ``until`` and whether anyone spoke in it
        (a turn that ended in a quiet room is silent, not a partner's talk)."""
        out.append(Log(at, je.TurnEnd(self.step.who, self.partner, self.ran(until), ended_by, self.spoke)))
