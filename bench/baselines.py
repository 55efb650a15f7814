"""The baselines the benchmark compares against, on the same clips and the same endpointer.

- naive: free-form recognition (PocketSphinx's English language model), then the nearest catalogue
  phrase, always accepted (no rejection).
- wyoming-vosk style: the catalogue's words in any sequence (as a Vosk grammar of a word list
  decodes), then a snap to the closest phrase by Levenshtein similarity with a cutoff, as
  wyoming-vosk corrects its output.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from collections.abc import Callable

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from intents import Catalogue
from voice.matcher import Match
from voice.normalize import normalize
from voice.speech.recognizer import Hypothesis


class _Sphinx:
    name = "pocketsphinx"

    def __init__(self, dict_path: str | None = None, **search) -> None:
        from pocketsphinx import Decoder, get_model_path
        model = os.path.join(get_model_path(), "en-us")
        self.decoder = Decoder(hmm=os.path.join(model, "en-us"), logfn=os.devnull,
                               dict=dict_path or os.path.join(model, "cmudict-en-us.dict"), **search)

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
    # Single pass (no flat-lexicon and no lattice pass at the end): the default passes made this the
    # slowest pipeline by far (30 min for the corpus) and cost up to 1.5 s after the end of speech.
    return _Sphinx(lm=os.path.join(get_model_path(), "en-us", "en-us.lm.bin"), fwdflat=False, bestpath=False)


def word_loop_recognizer(catalogue: Catalogue, folder: Path) -> _Sphinx:
    """Any sequence of the catalogue's words, equally likely: a unigram language model (an ARPA file in
    ``folder``). The same search as a JSGF loop ``( w1 | w2 | ... )+`` but PocketSphinx's n-gram
    search runs it several times faster (the JSGF loop decoded slower than real time here)."""
    from voice.speech.sphinx import ensure_word
    probe = _Sphinx(lm=None)
    known = sorted(word for word in catalogue.vocabulary if ensure_word(probe.decoder, word))
    logp = -math.log10(len(known) + 1)
    arpa = folder / "words.arpa"
    arpa.write_text("\\data\\\nngram 1=%d\n\n\\1-grams:\n-99 <s> 0\n%.4f </s> 0\n" % (len(known) + 2, logp)
                    + "".join(f"{logp:.4f} {word} 0\n" for word in known) + "\n\\end\\\n")
    dictionary = folder / "words.dict"
    dictionary.write_text("".join(f"{word} {probe.decoder.lookup_word(word)}\n" for word in known))
    return _Sphinx(lm=str(arpa), dict_path=str(dictionary))


def snap(catalogue: Catalogue, cutoff: float | None) -> Callable[[str, str], Match | None]:
    """Recogniser text -> the nearest phrase of the context; ``cutoff`` None: always accepted
    (naive), else a Levenshtein similarity cutoff in percent (wyoming-vosk style)."""
    def understand(text: str, context: str) -> Match | None:
        scorer = Levenshtein.normalized_similarity if cutoff is not None else fuzz.ratio
        best = process.extractOne(text, catalogue.texts[context], scorer=scorer)
        score = best[1] * (100 if cutoff is not None else 1)
        if cutoff is not None and score < cutoff:
            return None
        phrase = catalogue.phrases[context][best[2]]
        return Match(phrase.intent, dict(phrase.slots), score, phrase.text, text)
    return understand
