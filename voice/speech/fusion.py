"""The one decision rule of the listening stage: the phoneme scorer first, a free recogniser as a
second opinion only where the scorer is unsure.

Each engine is strong where the other is weak. The scorer (``ctc_engine``) knows exactly which
phrases the context allows and is fast and sure on them, but it forces everything onto one of them,
so its ``verified`` probability (``voice.speech.verify``) must carry the rejection. A free recogniser (Whisper tiny.en) transcribes
whatever was said, so it tells near-misses apart ("let's do the dishes" comes out as that) and hears
the words of phrasings that are no template, but it is slower and its text must still be read. The
two complete each other on own words: for "could you stop please" the scorer's nearest phrase is
"stop please" (a weak match), Whisper's text is right but no template (the matcher refuses it);
together they say "stop". The rule, per context:

1. verified >= ``sure``: the scorer's phrase is taken; no second opinion (the fast path);
2. verified < ``floor``: nothing was said that the context knows; no second opinion;
3. in between, the free recogniser transcribes the utterance, and
   - if the matcher reads its text as the scorer's intent, that is taken;
   - else the scorer's phrase is taken when the evidence for it (``evidence``: that probability, and
     how close the transcript is to the phrases of that intent) weighs at least ``accept``;
   - else the transcript's own intent is taken when the matcher is at least ``own_words`` sure;
   - else nothing.

The numbers, weights included, come from ``bench/tune_fusion.py`` on the development voices only.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from voice.library.intents import Catalogue, Context
from voice.errors import AudioError
from voice.core.matcher import Match, recognize
from voice.core.normalize import normalize
from voice.speech.ctc_graph import GARBAGE
from voice.speech.early import decided_early
from voice.speech.recognizer import Hypothesis, Recognizer

FEATURES = ("bias", "verified", "ratio", "token_set", "support", "transcript_empty")
"""What ``evidence`` weighs, in order (see ``features``)."""


@dataclass(frozen=True)
class Rule:
    """Where one context draws its lines, on the scorer's ``verified`` probability (0-1,
    ``voice.speech.verify``)."""

    sure: float
    """From this probability on the scorer's phrase is taken without a second opinion."""
    floor: float
    """Below this probability the utterance is no command of this context."""
    weights: tuple[float, ...] = (0.0,) * len(FEATURES)
    """Logistic weights of ``FEATURES``; their sum, through a sigmoid, is ``evidence``."""
    accept: float = 1.01
    """Lowest ``evidence`` at which the scorer's phrase is taken without the matcher's agreement."""
    own_words: float = 90.0
    """Lowest matcher score (0-100) at which the second opinion's own intent is taken."""
    extra_phones: float = 1.5
    """The fast path also needs the free decoding to have heard at most this many phones per phone of
    the phrase: a word of someone else's sentence ("no" in "on lost another two") fits its own few
    frames perfectly, and only the rest of the utterance tells."""
    sure_phones: int = 0
    """The fast path is only for phrases of at least this many phones: a short word ("yeah", "no")
    also fits a fragment of someone else's sentence, so the second opinion must confirm it."""


@dataclass(frozen=True)
class FusionSettings:
    """The rule of each listening context."""

    idle: Rule = Rule(sure=0.9, floor=0.01, weights=(-5.995, 4.379, 0.723, 2.947, 1.879, -0.129), accept=0.8,
                      own_words=92.0, extra_phones=9.0, sure_phones=0)
    """Between rituals; from ``bench/tune_fusion.py --keep-verifier`` on 2026-12-03
    (development voices: 81.5 % right, 0.42 % false accepts, second opinion on 71 % of utterances)."""
    turn: Rule = Rule(sure=0.9, floor=0.01, weights=(-5.24, 5.034, 0.188, 2.229, 0.901, 0.141), accept=0.7,
                      own_words=101.0, extra_phones=2.0, sure_phones=0)
    """During a ritual; from the same search (development voices: 74.6 % right, 0.49 % false accepts,
    second opinion on 68 %). ``own_words`` 101: in a turn a transcript the scorer does not back is never
    taken on its own, as Whisper, led by its prompt, writes "I'm done" for the first words of
    everyday sentences ("the coffee's gone cold")."""

    def of(self, context: str) -> Rule:
        return self.idle if context == "idle" else self.turn


Read = Callable[[str, str], Match | None]
"""Text + context -> what the matcher makes of it (``voice.core.matcher.recognize`` over the catalogue)."""
Support = Callable[[str, Match, str], float]
"""Transcript, the scorer's match, context -> 0-1: how close the transcript is to that intent's phrases."""


def supporter(catalogue: Catalogue) -> Support:
    """``Support`` over the catalogue's phrases (each intent and slot filling's phrases found once)."""
    @functools.lru_cache(maxsize=512)
    def phrases_of(context: str, intent: str, slots: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
        return tuple(p.text for p in catalogue.phrases[context] if p.intent == intent and p.slots == slots)

    def support(text: str, match: Match, context: str) -> float:
        choices = phrases_of(context, match.intent, tuple(sorted(match.slots.items())))
        best = process.extractOne(normalize(text), choices, scorer=fuzz.ratio) if choices and text else None
        return best[1] / 100 if best else 0.0
    return support


def features(verified: float, phrase: str, transcript: str, support: float) -> tuple[float, ...]:
    """The evidence for the scorer's phrase, in ``FEATURES`` order."""
    text = normalize(transcript)
    return (1.0, verified, fuzz.ratio(text, phrase) / 100, fuzz.token_set_ratio(text, phrase) / 100,
            support, float(not text))


def evidence(weights: tuple[float, ...], values: tuple[float, ...]) -> float:
    z = float(np.dot(weights, values))
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def decide(context: str, scored: Hypothesis, ask: Callable[[], Hypothesis | None], read: Read,
           rule: Rule, support: Support) -> tuple[Match | None, str]:
    """The decision for one utterance, and which path made it (``sure``, ``floor``, ``agree``,
    ``evidence``, ``own-words``, ``disagree``, ``alone``). ``ask`` gives the second opinion (None
    when there is none); it is called only off the ``sure`` and ``floor`` paths."""
    verified = scored.detail.get("verified")
    phrase = scored.detail.get("forced", "")
    # The scorer's own floor (for when it is used alone) does not apply here: its phrase is read as is.
    mine = read(phrase, context) if phrase and GARBAGE not in phrase else None
    if verified is None or verified < rule.floor:
        return None, "floor"
    heard, path = scored.detail.get("heard_phones", 0), scored.detail.get("path_phones", 0)
    if (mine is not None and verified >= rule.sure and heard <= rule.extra_phones * max(1, path)
            and path >= rule.sure_phones):
        return mine, "sure"
    second = ask()
    if second is None:
        return None, "alone"
    theirs = read(second.text, context) if second.text else None
    if mine is not None and theirs is not None and (theirs.intent, theirs.slots) == (mine.intent, mine.slots):
        return mine, "agree"
    if mine is not None:
        values = features(verified, phrase, second.text, support(second.text, mine, context))
        if evidence(rule.weights, values) >= rule.accept:
            return mine, "evidence"
    if theirs is not None and theirs.score >= rule.own_words:
        return theirs, "own-words"
    return None, "disagree"


ASKED = frozenset({"alone", "disagree", "agree", "evidence", "own-words"})
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
        self.name = "fused"
        self._context: Context = "idle"
        self._decoding: Context = "idle"
        self._read: Read = lambda text, context: recognize(text, catalogue, context)  # type: ignore[arg-type]
        self._support = supporter(catalogue)
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

    def prepare(self) -> None:
        """In the trailing silence: the scorer's pass, and the second opinion's too where the rule will
        want it (see ``voice.device.listen``), so that the end of speech finds the work done."""
        prepare = getattr(self.scorer, "prepare", None)
        if prepare is None:
            return
        scored = prepare()
        early = getattr(self.second, "prepare", None)
        if early is None:
            return
        wanted: list[bool] = []  # the rule itself says whether it will ask: the same ``decide``
        decide(self._decoding, scored, lambda: wanted.append(True) or None, self._read,
               self.settings.of(self._decoding), self._support)
        if wanted:
            self._guarded(early)

    def early(self, intents: frozenset[str]) -> Hypothesis | None:
        """At the first pause: the rule's decision when the scorer is sure of one of ``intents``, or
        when it and the second opinion agree on it, else None (see ``voice.speech.early``). The
        second opinion is only read here, never started: ``prepare`` ran it at this pause already
        wherever the rule wants it."""
        prepare = getattr(self.scorer, "prepare", None)
        if prepare is None:
            return None
        scored, context = prepare(), self._decoding
        rule = self.settings.of(context)
        prepared = getattr(self.second, "prepare", None)
        ask = (lambda: self._guarded(prepared)) if prepared is not None else (lambda: None)
        return decided_early(lambda: decide(context, scored, ask, self._read, rule, self._support),
                             scored, context, self.catalogue, intents)

    def _guarded(self, work: Callable[[], Hypothesis]) -> Hypothesis | None:
        """The second opinion, or None when it fails on this utterance (the scorer alone decides then:
        one odd utterance must not take the microphone down)."""
        try:
            return work()
        except AudioError:
            return None

    def finish(self) -> Hypothesis:
        scored = self.scorer.finish()
        began = time.perf_counter()
        heard: list[Hypothesis] = []

        def ask() -> Hypothesis | None:
            if self.second is None:
                return None
            second = self._guarded(self.second.finish)
            if second is not None:
                heard.append(second)
            return second

        match, path = decide(self._decoding, scored, ask, self._read, self.settings.of(self._decoding),
                             self._support)
        if self.second is not None and not heard:
            self.second.start()  # not needed: drop what it buffered
        self.second_opinions += bool(heard)
        detail = {**scored.detail, "path": path, "second_ms": round((time.perf_counter() - began) * 1000, 1)}
        if heard:
            detail["second_text"] = heard[0].text
        if match is None:
            return Hypothesis("", rejected=True, detail=detail)
        return Hypothesis(match.phrase or match.text, detail=detail)
