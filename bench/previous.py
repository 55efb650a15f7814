"""The listening stage as it was before the verifier and the framing words (2026-12-02, first
redesign), kept as a row of its own so that every change shows its gain on the same clips in the same
run: the scorer's raw confidence (best phrase against the free path, per frame) where the verifier's
probability now is, the rule's numbers as they were tuned then, and the matcher reading whole
phrases only.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable

from ears_tables import Decision, _after, catalogue, support
from voice.core.matcher import Match, recognize
from voice.speech.ctc_graph import GARBAGE
from voice.speech.fusion import ASKED, FusionSettings, Rule, decide
from voice.speech.recognizer import Hypothesis

SETTINGS = FusionSettings(
    idle=Rule(sure=-0.2, floor=-0.8, weights=(-5.199, 2.133, 4.531, 3.69, 1.825, -0.08), accept=1.01,
              own_words=92.0, extra_phones=1.5, sure_phones=4),
    turn=Rule(sure=-0.2, floor=-0.8, weights=(-3.757, 3.833, 1.681, 4.379, 2.628, 0.323), accept=0.7,
              own_words=92.0, extra_phones=1.5, sure_phones=6))
CTC_FLOORS = {"idle": -0.05, "turn": -0.075}
"""The scorer alone, then: its lowest confidence per context."""


@functools.lru_cache(maxsize=200_000)
def read(text: str, context: str) -> Match | None:
    """The matcher without framing words (whole phrases only)."""
    plain = _plain()
    return recognize(text, plain, context) if text else None  # type: ignore[arg-type]


@functools.lru_cache(maxsize=1)
def _plain():  # noqa: ANN202
    return dataclasses.replace(catalogue(), framing=frozenset())


def ctc_alone(feat: dict, context: str) -> Decision:
    ms = 0.0
    for u in feat["utterances"]:
        ms = u["ctc_ms"]
        phrase = u["forced"] or ""
        if u["confidence"] is not None and u["confidence"] >= CTC_FLOORS[context] and phrase and GARBAGE not in phrase:
            match = read(phrase, context)
            if match:
                return (match.intent, match.slots.get("ritual")), ms, _after(ms), False
    return None, ms, _after(ms), False


def whisper_alone(feat: dict, context: str) -> Decision:
    ms = 0.0
    for u in feat["utterances"]:
        ms = u["whisper_ms"]
        match = read(u["whisper_text"], context)
        if match:
            return (match.intent, match.slots.get("ritual")), ms, _after(ms), True
    return None, ms, _after(ms), True


def fused(feat: dict, context: str) -> Decision:
    ms, asked_any = 0.0, False
    for u in feat["utterances"]:
        # the raw confidence in the place the rule now reads the verifier's probability
        scored = Hypothesis(u["ctc_text"], detail={"verified": u["confidence"], "forced": u["forced"] or "",
                                                   "heard_phones": u.get("heard_phones", 0),
                                                   "path_phones": u.get("path_phones", 0)})
        match, path = decide(context, scored, lambda u=u: Hypothesis(u["whisper_text"]), read,
                             SETTINGS.of(context), support())
        asked = path in ASKED
        asked_any |= asked
        ms = u["ctc_ms"] + (u["whisper_ms"] if asked else 0.0)
        if match is not None:
            return (match.intent, match.slots.get("ritual")), ms, _after(ms), asked_any
    return None, ms, _after(ms), asked_any


PIPELINES: dict[str, Callable[[dict, str], Decision]] = {
    "before today: ctc alone (raw confidence)": ctc_alone,
    "before today: whisper alone (whole phrases)": whisper_alone,
    "before today: fused (raw confidence, whole phrases)": fused,
}
