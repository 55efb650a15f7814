"""Vosk, the design card's engine: grammar recognition from the catalogue, with unknown words.

Each context gets its own recogniser with its grammar set once (phrases plus the model's unknown
token), so switching context costs nothing. Phrases with a word outside the model's vocabulary are
left out of the grammar (Vosk would drop the word and keep a shorter, other phrase); typed text
still matches them. With a lookahead model (the Korean one) Vosk's grammar is a loop over the
grammar's words, not its phrases: "체크인 해요" can come out as "주세요 체크인 해요". So the first of
Vosk's n-best that is a whole phrase of the context is taken, and the top one only when none is.
Unrelated speech may come out as the unknown token, or as grammar words strung together; either way
the whole-utterance matcher rejects it. vosk 0.3.45 has no endpointer settings: the audio arrives
already cut into utterances by ``voice.audio.endpoint``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from voice.library.intents import CONTEXTS, Catalogue, Context
from voice.audio import RATE
from voice.errors import AudioError
from voice.core.normalize import normalize
from voice.speech.grammar import phrases
from voice.speech.models import UNK_TOKENS, unk_token
from voice.speech.vocabulary import known_words
from voice.speech.recognizer import Hypothesis


ALTERNATIVES = 3
"""How many of Vosk's n-best are looked through for a whole phrase."""


class VoskRecognizer:
    """``Recognizer`` over a Vosk model folder."""

    name = "vosk"

    def __init__(self, catalogue: Catalogue, model_path: Path, alternatives: int = ALTERNATIVES) -> None:
        try:
            import vosk
        except ImportError as exc:
            raise AudioError("Vosk is not installed: run 'make run'.") from exc
        vosk.SetLogLevel(-1)
        try:
            self.model = vosk.Model(str(model_path))
        except Exception as exc:  # vosk raises a bare Exception when a model fails to load
            raise AudioError(f"The Vosk model at {model_path} could not be loaded ({exc}): download it again "
                             "with 'rituals models download'.") from exc
        known = known_words(model_path, (*catalogue.vocabulary, *UNK_TOKENS))
        self.unk = unk_token(model_path, known)
        self.grammars: dict[Context, tuple[str, ...]] = {}
        """Context -> the phrases its grammar holds (those the model can say)."""
        self._recognizers = {}
        for context in CONTEXTS:
            sayable = tuple(p for p in phrases(catalogue, context)
                            if known is None or all(w in known for w in p.split()))
            self.grammars[context] = sayable
            rec = vosk.KaldiRecognizer(self.model, RATE)
            rec.SetMaxAlternatives(alternatives)
            rec.Reset()  # a grammar set after audio was fed is ignored until the next reset
            rec.SetGrammar(json.dumps([*sayable, self.unk], ensure_ascii=False))
            self._recognizers[context] = rec
        self._context: Context = "idle"
        self._heard_in: Context = self._context
        self._active = self._recognizers[self._context]

    def set_context(self, context: Context) -> None:
        self._context = context

    def start(self) -> None:
        self._heard_in = self._context
        self._active = self._recognizers[self._context]
        self._active.Reset()

    def accept(self, audio: np.ndarray) -> None:
        self._active.AcceptWaveform(audio.astype("<i2").tobytes())

    def finish(self) -> Hypothesis:
        result = json.loads(self._active.FinalResult())
        texts = [a.get("text", "") for a in result.get("alternatives", [])] or [result.get("text", "")]
        unk = normalize(self.unk)
        cleaned = []
        for text in texts:
            words = text.split()
            if not words or all(normalize(w) == unk for w in words):
                continue
            # The unknown token stays in as a word: "stop <UNK> <UNK>" is not the whole command "stop".
            cleaned.append(" ".join(unk if normalize(w) == unk else w for w in words))
        if not cleaned:
            return Hypothesis("", rejected=True, detail={"raw": texts[:1]})
        whole = set(self.grammars[self._heard_in])
        cleaned.sort(key=lambda text: text not in whole)  # stable: Vosk's order among equals
        return Hypothesis(cleaned[0], tuple(cleaned[1:]), detail={"raw": texts[:1]})
