"""The step types a ritual file may use: the registry, plus the two that only play something.

``STEP_TYPES`` is the one list: the schema accepts exactly these keys and the engine runs exactly
these types (each parses and runs itself, see ``voice.core.step_base``). A new step type is one module
with its ``StepType`` subclass, listed here, and its documentation in ``prompts/README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from voice.errors import DataFileError
from voice.core.events import Action
from voice.core.step_ask import AskStep
from voice.core.step_base import NAMES, Host, StepSource, StepType
from voice.core.step_timer import TimerStep
from voice.core.step_turn import TurnStep

CHIMES = frozenset({"start", "end", "soft"})


@dataclass(frozen=True)
class SayStep(StepType):
    """Say a prompt, then go on when it has been said."""

    KEYS: ClassVar[tuple[str, ...]] = ("say",)
    NAME: ClassVar[str] = "say"
    text: str
    """Spoken text; may use ``{first}``, ``{second}``."""
    line: int = 0
    """Line in the ritual file, for messages."""

    @classmethod
    def parse(cls, key: str, body: Any, source: StepSource) -> SayStep:
        return cls(source.text(key, body, NAMES), source.line)

    def enter(self, host: Host, now: float, out: list[Action]) -> None:
        host.say(out, host.fill(self.text))
        host.then(now, out, None)


@dataclass(frozen=True)
class ChimeStep(StepType):
    """Play a generated chime."""

    KEYS: ClassVar[tuple[str, ...]] = ("chime",)
    NAME: ClassVar[str] = "chime"
    name: str
    """One of ``start``, ``end``, ``soft``."""
    line: int = 0

    @classmethod
    def parse(cls, key: str, body: Any, source: StepSource) -> ChimeStep:
        if body not in CHIMES:
            raise DataFileError(source.path, f"{source.where}.chime: must be one of {', '.join(sorted(CHIMES))}",
                                source.line)
        return cls(body, source.line)

    def enter(self, host: Host, now: float, out: list[Action]) -> None:
        host.chime(out, self.name)
        host.then(now, out, None)


#: Every step type, in the order the schema's messages list their keys.
STEP_TYPES: tuple[type[StepType], ...] = (SayStep, ChimeStep, TimerStep, TurnStep, AskStep)


def step_type(key: str) -> type[StepType] | None:
    """The step type written with ``key``, if any."""
    return next((t for t in STEP_TYPES if key in t.KEYS), None)


def step_keys() -> list[str]:
    """Every key a step may be written with."""
    return [key for t in STEP_TYPES for key in t.KEYS]
