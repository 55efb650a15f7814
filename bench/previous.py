"""The listening stage's earlier designs, kept as rows of their own so that every change shows its
gain on the same clips in the same run.

- First redesign (before the verifier and the framing words): the scorer's raw confidence (best
  phrase against the free path, per frame) where the verifier's probability now is, the rule's
  numbers as they were tuned then, and the matcher reading whole phrases only.
- Second redesign's rule: the fused rule as tuned on 2026-12-02 (the corpus of that day), before the
  five phrasings of 2026-12-03 and the re-tuning on that day's corpus.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable

from ears_tables import Decision, catalogue, ctc_alone, fused, whisper_stage
from voice.core.matcher import Match, recognize
from voice.speech.ctc_engine import CtcSettings
from voice.speech.fusion import FusionSettings, Rule

SETTINGS = FusionSettings(
    idle=Rule(sure=-0.2, floor=-0.8, weights=(-5.199, 2.133, 4.531, 3.69, 1.825, -0.08), accept=1.01,
              own_words=92.0, extra_phones=1.5, sure_phones=4),
    turn=Rule(sure=-0.2, floor=-0.8, weights=(-3.757, 3.833, 1.681, 4.379, 2.628, 0.323), accept=0.7,
              own_words=92.0, extra_phones=1.5, sure_phones=6))


SECOND = FusionSettings(
    idle=Rule(sure=0.9, floor=0.01, weights=(-5.392, 3.986, 1.764, 2.384, 1.698, -0.103), accept=0.9,
              own_words=92.0, extra_phones=9.0, sure_phones=0),
    turn=Rule(sure=0.9, floor=0.2, weights=(-5.694, 4.063, 0.274, 4.113, 1.883, 0.205), accept=0.8,
              own_words=92.0, extra_phones=2.0, sure_phones=0))


@functools.lru_cache(maxsize=200_000)
def read(text: str, context: str) -> Match | None:
    """The matcher without framing words (whole phrases only)."""
    return recognize(text, _plain(), context) if text else None  # type: ignore[arg-type]


@functools.lru_cache(maxsize=1)
def _plain():  # noqa: ANN202
    return dataclasses.replace(catalogue(), framing=frozenset())


def confidence(u: dict, context: str) -> float | None:
    """The scorer's raw confidence, where the rule now reads the verifier's probability."""
    return u["confidence"]


PIPELINES: dict[str, Callable[[dict, str], Decision]] = {
    "first redesign: ctc alone (raw confidence)": ctc_alone(CtcSettings(idle_floor=-0.05, turn_floor=-0.075),
                                                           strength=confidence, reader=read),
    "first redesign: whisper alone (whole phrases)": whisper_stage(read),
    "first redesign: fused (raw confidence, whole phrases)": fused(SETTINGS, strength=confidence, reader=read),
    "second redesign: fused, the rule tuned on 2026-12-02": fused(SECOND),
}
