"""The ask step: a yes/no question to the couple; not understood twice means the answer "no"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from voice.core import journal_events as je
from voice.core.events import Action, Log
from voice.core.step_base import NAMES, Host, Running, StepSource, StepType


@dataclass(frozen=True)
class AskStep(StepType):
    """Ask; say ``yes`` or ``no`` after the answer, then go on."""

    KEYS: ClassVar[tuple[str, ...]] = ("ask",)
    NAME: ClassVar[str] = "ask"
    prompt: str
    yes: str | None = None
    """Said on yes."""
    no: str | None = None
    """Said on no, on silence or when not understood."""
    line: int = 0

    @classmethod
    def parse(cls, key: str, body: Any, source: StepSource) -> AskStep:
        r = source.reader(key, body, NAMES)
        r.reject_unknown({"prompt", "yes", "no"})
        return cls(r.text("prompt") or "", r.text("yes", False), r.text("no", False), source.line)

    def enter(self, host: Host, now: float, out: list[Action]) -> None:
        host.say(out, host.fill(self.prompt))
        host.then(now, out, AskRun(self))


class AskRun(Running):
    """A question waiting for its answer."""

    listening = "idle"   # yes and no are idle phrases
    help_key = "help_ask"

    def __init__(self, step: AskStep) -> None:
        self.step = step
        self.failures = 0
        self.silence_at: float | None = None
        """When a quiet room counts as no answer; ``None`` while the device talks."""

    def open(self, host: Host, now: float, out: list[Action]) -> None:
        self.silence_at = now + host.ask_seconds
        host.listen(out, self.listening)
        out.append(Log(now, je.AskStart(host.index)))

    def next_deadline(self) -> float | None:
        return self.silence_at

    def due(self, host: Host, at: float, out: list[Action]) -> None:
        self.unmatched(host, at, out)

    def unmatched(self, host: Host, now: float, out: list[Action]) -> None:
        self.failures += 1
        self.silence_at = None
        if self.failures == 1:
            host.say(out, host.line("not_understood_ask"), "reply")
            out.append(Log(now, je.Reprompt("not understood")))
        else:
            self._answer(host, now, False, out)  # never a dead end: no answer counts as no

    def command(self, host: Host, intent: str, now: float, out: list[Action]) -> bool:
        if intent not in ("yes", "no"):
            return False
        self._answer(host, now, intent == "yes", out)
        return True

    def _answer(self, host: Host, at: float, yes: bool, out: list[Action]) -> None:
        out.append(Log(at, je.Answer(yes)))
        reply = self.step.yes if yes else self.step.no
        if reply:
            host.say(out, host.fill(reply))
            host.then(at, out, None)
        else:
            host.next(at, out)

    def output_done(self, host: Host, now: float) -> None:
        self.silence_at = now + host.ask_seconds

    def device_spoke(self) -> None:
        self.silence_at = None

    def pause(self) -> None:
        self.silence_at = None
