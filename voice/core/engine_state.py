"""The ritual engine's own state: where the session is. What a running step needs is its own
(``voice.core.step_base.Running``), so nothing here depends on the step type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from voice.core.step_base import Running

Phase = Literal["start", "output", "running", "paused", "ended"]
"""``output``: a step's prompt plays; ``running``: a step runs after it (a timer, a turn, a question)."""


@dataclass
class PausedAt:
    """What was going on when the couple said pause."""

    phase: Phase
    running: Running | None
    """The step that was running, if one was (not while a prompt played)."""
    remaining: float | None
    since: float


@dataclass
class EngineState:
    """Where the session is: the step, and what runs in it."""

    phase: Phase = "start"
    index: int = -1
    running: Running | None = None
    """The running step (phase ``running``)."""
    then: Running | None = None
    """What opens once the prompt playing now has been heard (phase ``output``; ``None``: the next step)."""
    paused: PausedAt | None = None
