"""The one decision rule of the listening stage: the phoneme scorer first, a free recogniser as a
second opinion only where the scorer is unsure.

Each engine is strong where the other is weak. The scorer (``ctc_engine``) knows exactly which
phrases the context allows and is fast and sure on them, but it forces everything onto one of them,
so its confidence must carry the rejection. A free recogniser (Whisper tiny.en) transcribes
whatever was said, so it hears phrasings that are not templates ("ask us some deeper questions")
and tells near-misses apart ("let's do the dishes"), but it is slower and sometimes hears a command
in noise. The rule, per context:

1. confidence >= ``sure``: the scorer's phrase is taken; no second opinion (the fast path);
2. confidence < ``floor``: nothing was said that the context knows; no second opinion;
3. in between: the free recogniser transcribes the utterance and the matcher reads its text. The same
   intent as the scorer's is taken; a different intent is taken only when the matcher is at least
   ``own_words`` sure of it (the scorer had only templates to offer); otherwise nothing.

The numbers come from ``bench/tune_fusion.py`` on the development voices only (BENCHMARKS.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from intents import Catalogue, Context
from voice.matcher import Match, recognize
from voice.speech.ctc_graph import GARBAGE
from voice.speech.recognizer import Hypothesis, Recognizer


@dataclass(frozen=True)
class Rule:
    """Where one context draws its lines (confidences are log-probability per frame, <= 0)."""

    sure: float
    """From this confidence on the scorer's phrase is taken without a second opinion."""
    floor: float
    """Below this confidence the utterance is no command of this context."""
    own_words: float = 90.0
    """Lowest matcher score (0-100) at which the second opinion's own intent is taken."""


@dataclass(frozen=True)
class FusionSettings:
    """The rule of each listening context."""

    idle: Rule = Rule(sure=-0.20, floor=-0.45, own_words=90.0)
    """Between rituals: starting one by mistake is a nuisance, so the second opinion decides more."""
    turn: Rule = Rule(sure=-0.15, floor=-0.45, own_words=92.0)
    """While a partner talks: interrupting them is worse than missing a command."""

    def of(self, context: str) -> Rule:
        return self.idle if context == "idle" else self.turn


Read = Callable[[str, str], Match | None]
"""Text + context -> what the matcher makes of it (``voice.matcher.recognize`` over the catalogue)."""


def decide(context: str, scored: Hypothesis, ask: Callable[[], Hypothesis | None], read: Read,
           rule: Rule) -> tuple[Match | None, str]:
    """The decision for one utterance, and which path made it (``sure``, ``floor``, ``agree``,
    ``own-words``, ``disagree``, ``alone``). ``ask`` gives the second opinion (None when there is
    none); it is called only when the rule needs it, which the path names tell (not ``sure``/``floor``)."""
    confidence = scored.detail.get("confidence")
    phrase = scored.detail.get("forced", "")
    # The scorer's own floor (for when it is used alone) does not apply here: its phrase is read as is.
    mine = read(phrase, context) if phrase and GARBAGE not in phrase else None
    if confidence is None or confidence < rule.floor:
        return None, "floor"
    if mine is not None and confidence >= rule.sure:
        return mine, "sure"
    second = ask()
    if second is None:
        return None, "alone"
    theirs = read(second.text, context) if second.text else None
    if theirs is None:
        return None, "disagree"
    if mine is not None and (theirs.intent, theirs.slots) == (mine.intent, mine.slots):
        return mine, "agree"
    if theirs.score >= rule.own_words:
        return theirs, "own-words"
    return None, "disagree"


ASKED = frozenset({"alone", "disagree", "agree", "own-words"})
"""The paths on which the second opinion was asked."""


class FusedRecognizer:
    """``Recognizer``: the scorer, and the free recogniser where ``Rule`` asks for it. Its hypothesis
    text is the phrase decided on (empty when nothing was), so the stage after it reads it as usual."""

    def __init__(self, scorer: Recognizer, second: Recognizer | None, catalogue: Catalogue,
                 settings: FusionSettings | None = None) -> None:
        self.scorer = scorer
        self.second = second
        self.catalogue = catalogue
        self.settings = settings or FusionSettings()
        self.name = f"{scorer.name}+{second.name}" if second is not None else scorer.name
        self._context: Context = "idle"
        self._decoding: Context = "idle"
        self._read: Read = lambda text, context: recognize(text, catalogue, context)  # type: ignore[arg-type]
        self.second_opinions = 0
        """How many utterances needed the second opinion (the benchmark reports the share)."""

    def set_context(self, context: Context) -> None:
        self._context = context
        self.scorer.set_context(context)
        if self.second is not None:
            self.second.set_context(context)

    def start(self) -> None:
        self._decoding = self._context
        self.scorer.start()
        if self.second is not None:
            self.second.start()

    def accept(self, audio: np.ndarray) -> None:
        self.scorer.accept(audio)
        if self.second is not None:
            self.second.accept(audio)

    def finish(self) -> Hypothesis:
        scored = self.scorer.finish()
        began = time.perf_counter()
        heard: list[Hypothesis] = []

        def ask() -> Hypothesis | None:
            if self.second is None:
                return None
            heard.append(self.second.finish())
            return heard[-1]

        match, path = decide(self._decoding, scored, ask, self._read, self.settings.of(self._decoding))
        if self.second is not None and not heard:
            self.second.start()  # not needed: drop what it buffered
        self.second_opinions += bool(heard)
        detail = {**scored.detail, "path": path, "second_ms": round((time.perf_counter() - began) * 1000, 1)}
        if heard:
            detail["second_text"] = heard[0].text
        if match is None:
            return Hypothesis("", rejected=True, detail=detail)
        return Hypothesis(match.phrase or match.text, detail=detail)
