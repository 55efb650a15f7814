"""The recogniser interface: feed an utterance's audio, get hypotheses.

Every hypothesis is verified by the intent matcher afterwards; an engine's own confidence is only
used to *reject* (never to accept).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from voice.library.intents import Context

if TYPE_CHECKING:  # annotations only: the CLI reads the engine registry without loading numpy
    import numpy as np


@dataclass(frozen=True)
class Hypothesis:
    """What an engine made of one utterance."""

    text: str
    """Best transcript (normalised words); empty when nothing was recognised or it was rejected."""
    alternatives: tuple[str, ...] = ()
    """Other transcripts, best first, where the engine gives them."""
    rejected: bool = False
    """The engine's rejection judged the audio to be outside its grammar."""
    detail: dict[str, Any] = field(default_factory=dict)
    """Engine scores, for evaluation and debugging."""


class Recognizer(Protocol):
    name: str
    """Its name in the engine registry (``voice.speech.engines``)."""

    def set_context(self, context: Context) -> None:
        """Grammar for the next utterance."""
        ...

    def start(self) -> None:
        """A new utterance begins."""
        ...

    def accept(self, audio: np.ndarray) -> None:
        """More int16 16 kHz mono audio of the utterance (streamed while it is spoken)."""
        ...

    def finish(self) -> Hypothesis:
        """The utterance ended: the final hypothesis."""
        ...


class DecidesEarly(Protocol):
    """What an engine may offer beside ``Recognizer`` (optional: the listener asks with ``getattr``;
    an engine without it is only asked at the end of speech)."""

    def early(self, intents: frozenset[str]) -> Hypothesis | None:
        """At the first pause of the utterance (after ``prepare``, where the engine has one): its final
        hypothesis when it is already sure that one of ``intents`` was said, else None. A hypothesis
        given here ends the utterance: ``finish`` is not called for it."""
        ...
