"""The baselines the benchmark compares against, on the same clips and the same endpointer.

- naive: free-form recognition (PocketSphinx's English language model), then the nearest catalogue
  phrase, always accepted (no rejection).
- wyoming-vosk style: a grammar of the catalogue's words (any sequence of them), then a snap to the
  closest phrase by Levenshtein similarity with a cutoff, as wyoming-vosk corrects its output.
"""

from __future__ import annotations

import os

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from intents import Catalogue
from voice.audio.sources import CHUNK
from voice.listen import Listener
from voice.matcher import Match
from voice.normalize import normalize
from voice.runner import Utterance
from voice.speech.recognizer import Hypothesis


class _Sphinx:
    name = "pocketsphinx"

    def __init__(self, **search) -> None:
        from pocketsphinx import Decoder, get_model_path
        model = os.path.join(get_model_path(), "en-us")
        self.decoder = Decoder(hmm=os.path.join(model, "en-us"), dict=os.path.join(model, "cmudict-en-us.dict"),
                               logfn=os.devnull, **search)

    def set_context(self, context) -> None:
        self.context = context

    def start(self) -> None:
        self.decoder.start_utt()

    def accept(self, audio: np.ndarray) -> None:
        self.decoder.process_raw(audio.astype("<i2").tobytes(), False, False)

    def finish(self) -> Hypothesis:
        self.decoder.end_utt()
        hyp = self.decoder.hyp()
        return Hypothesis(normalize(hyp.hypstr) if hyp else "")


def free_recognizer() -> _Sphinx:
    from pocketsphinx import get_model_path
    return _Sphinx(lm=os.path.join(get_model_path(), "en-us", "en-us.lm.bin"))


def word_loop_recognizer(catalogue: Catalogue) -> _Sphinx:
    rec = _Sphinx(lm=None)
    known = []
    for word in catalogue.vocabulary:
        if rec.decoder.lookup_word(word) is None:
            for i in range(1, len(word)):
                pron = rec.decoder.lookup_word(word[:i] + "'" + word[i:])
                if pron:
                    rec.decoder.add_word(word, pron, False)
                    break
        if rec.decoder.lookup_word(word) is not None:
            known.append(word)
    rec.decoder.add_jsgf_string("words", "#JSGF V1.0;\ngrammar words;\npublic <s> = ( " + " | ".join(known) + " )+;\n")
    rec.decoder.activate_search("words")
    return rec


class SnapPipeline:
    """Recogniser text -> nearest phrase of the context; ``cutoff`` None: always accept."""

    def __init__(self, name: str, recognizer, catalogue: Catalogue, cutoff: float | None) -> None:
        self.name = name
        self.recognizer = recognizer
        self.catalogue = catalogue
        self.cutoff = cutoff

    def decide(self, audio: np.ndarray, context: str):
        import time
        listener = Listener(self.recognizer)
        listener.set_context(context)
        padded = np.concatenate([audio, np.zeros(16000, dtype=np.int16)])
        latency = 0.0
        for i in range(0, len(padded), CHUNK):
            began = time.perf_counter()
            for _, item in listener.feed(padded[i:i + CHUNK], (i + CHUNK) / 16000):
                if isinstance(item, Utterance) and item.text:
                    scorer = Levenshtein.normalized_similarity if self.cutoff is not None else fuzz.ratio
                    best = process.extractOne(item.text, self.catalogue.texts[context], scorer=scorer)
                    latency = (time.perf_counter() - began) * 1000
                    score = best[1] * (100 if self.cutoff is not None else 1)
                    if best and (self.cutoff is None or score >= self.cutoff):
                        phrase = self.catalogue.phrases[context][best[2]]
                        return Match(phrase.intent, dict(phrase.slots), score, phrase.text, item.text), latency
        return None, latency
