"""The ritual engine's mutable state (kept apart so the engine and its commands share one shape)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Phase = Literal["start", "output", "timer", "turn", "ask", "paused", "ended"]


@dataclass
class PausedAt:
    """What was running when the couple said pause."""

    phase: Phase
    remaining: float | None
    since: float


@dataclass
class EngineState:
    """Where the session is: the step, what runs, and its deadlines."""

    phase: Phase = "start"
    index: int = -1
    deadline: float | None = None
    """End of the running timer, or the latest end of the running turn."""
    silence_at: float | None = None
    """When the quiet room counts as silence (turn or yes/no question); ``None`` while talking."""
    cues: list[tuple[float, str]] = field(default_factory=list)
    """Timer cues as (seconds left when due, text): measured from the end, so pausing moves them."""
    started: float = 0.0
    """When the current turn or timer started."""
    paused_total: float = 0.0
    """Seconds the current timer or turn spent paused (not counted in its duration)."""
    spoke: bool = False
    silences: int = 0
    failures: int = 0
    paused: PausedAt | None = None
