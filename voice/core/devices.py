"""What flows between the driver (``voice.device.runner``) and its devices: the input items a source gives,
and the ``Source``, ``Output`` and ``Clock`` ports the devices fill. Kept apart from the runner so
the audio and text devices import these types, not the driver.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from voice.core.events import Action


class Clock(Protocol):
    def now(self) -> float:
        """Seconds on a monotonic clock."""
        ...


@dataclass(frozen=True)
class Utterance:
    """Someone finished saying (or typing) ``text``."""

    text: str
    alternatives: tuple[str, ...] = ()
    """Other hypotheses of the recogniser, best first (logged; only ``text`` is acted on, since
    trying lower-ranked guesses until one matches would turn noise into commands)."""
    speech_end: float | None = None
    """When the speech itself ended (before the trailing silence), for latency measurements."""
    detail: dict[str, object] = field(default_factory=dict)
    """The recogniser's evidence, for evaluation."""
    speech_start: float | None = None
    """When the speech began (its first speech frame), where the listener knows it."""


@dataclass(frozen=True)
class VoiceActivity:
    """Speech has started or goes on (not yet a finished utterance)."""


@dataclass(frozen=True)
class EndOfInput:
    """The input has ended (end of piped text or of a WAV file): from now on the room is silent."""


@dataclass(frozen=True)
class Wake:
    """Something changed in the output (a line finished playing); nothing was heard."""


InputItem = Utterance | VoiceActivity | EndOfInput | Wake


class Source(Protocol):
    def get(self, timeout: float | None) -> InputItem | None:
        """The next input, or ``None`` when ``timeout`` seconds passed without one."""
        ...


class Output(Protocol):
    def perform(self, action: Action, now: float) -> None:
        """Say, chime, stop talking, show a timer..."""
        ...

    def completed(self) -> int:
        """How many ``Say``/``Chime`` actions have finished (or been cut off) so far."""
        ...

    def refresh_at(self) -> float | None:
        """When the output wants to redraw something (a countdown), if ever."""
        ...

    def refresh(self, now: float) -> None:
        ...


class NoDisplay:
    """For outputs with nothing to redraw (no countdown): the display half of ``Output``."""

    def refresh_at(self) -> float | None:
        return None

    def refresh(self, now: float) -> None:
        return None
