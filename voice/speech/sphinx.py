"""PocketSphinx: the English engine that needs no download (its wheel ships the model).

Grammar mode forces every sound into some command, so it cannot say "none of these" by itself.
Rejection: the same audio is also decoded by a free phone loop (``allphone``), which follows any
speech. The grammar's hypothesis is accepted when (all measured on synthesised commands and everyday
sentences; see BENCHMARKS.md)
- the grammar explains the audio per frame better than the loop does, the loop did not hear more
  phones than the hypothesis has (a long sentence forced onto "i am done" has far more), and its
  phones resemble the hypothesis's pronunciation at least somewhat; or
- the loop's phones closely match the pronunciation (short commands, where scores say little).
A garbage model inside the grammar separated better but took 1-10 s per utterance on this CPU.
Both decoders are fed while the person speaks, so at the end of speech only the final search
remains.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from voice.library.intents import CONTEXTS, Catalogue, Context
from voice.errors import AudioError
from voice.speech.grammar import jsgf
from voice.speech.recognizer import Hypothesis


@dataclass(frozen=True)
class Rejection:
    """Where one listening context draws the line between a command and other speech. Chosen on the
    benchmark's development split (the flite kal16 voice and everyday sentences the benchmark does
    not score) for at most 0.4 % false accepts there, by a search (``bench/tune_rejection.py``,
    since removed with that corpus: this stage is now kept as the benchmark's baseline)."""

    min_phone_similarity: float
    """Lowest ``phone_similarity`` (0-100) of the loop's phones with the hypothesis's pronunciation."""
    max_phone_ratio: float
    """Most phones the loop may hear per phone of the hypothesis."""
    min_score_gap: float
    """Lowest (grammar - phone loop) log score per frame."""
    phones_agree: float = 70.0
    """From this phone similarity on (and no more phones than the hypothesis has), the phones alone
    decide: a one-word command ("stop") is too short for the score gap to say anything."""
    one_word_phones_agree: float = 50.0
    """The same for a one-word hypothesis: a sentence forced onto one word leaves the loop far more
    phones than the word has, so a lower similarity is safe there (no false accept more on the
    development split)."""

    def accepts(self, similarity: float, ratio: float, gap: float, words: int) -> bool:
        """Whether a hypothesis of ``words`` words with these measures is taken as said."""
        phones_agree = similarity >= (self.one_word_phones_agree if words == 1 else self.phones_agree) and ratio <= 1.0
        scores_agree = similarity >= self.min_phone_similarity and ratio <= self.max_phone_ratio and gap >= self.min_score_gap
        return phones_agree or scores_agree


@dataclass(frozen=True)
class SphinxSettings:
    """PocketSphinx's settings and its line between commands and other speech, per context."""

    idle: Rejection = Rejection(min_phone_similarity=25.0, max_phone_ratio=1.1, min_score_gap=0.0005)
    """Starting a ritual or asking something: longer phrases, where the score gap separates best."""
    turn: Rejection = Rejection(min_phone_similarity=40.0, max_phone_ratio=1.0, min_score_gap=0.0001)
    """Commands during a ritual: mostly one or two words ("stop"), whose few frames of speech
    leave little score gap, so the phones themselves must agree too."""
    decoder: tuple[tuple[str, object], ...] = (("bestpath", False),)
    """Extra PocketSphinx options for the grammar decoder. No second "bestpath" pass over the lattice:
    it cost 84-381 ms at the end of each utterance in the idle grammar and changed no hypothesis
    on the benchmark commands checked; without it the end costs 4-13 ms."""


#: Broad classes of the model's phones: the loop often hears a neighbour of the right phone
#: ("stop" by one voice came out CH AH B), which an exact comparison scores as no match at all.
_PHONE_CLASSES = {phone: group for group, phones in {
    "stop": "P T K B D G", "fricative": "F TH S SH HH V DH Z ZH CH JH", "nasal": "M N NG",
    "liquid": "L R W Y ER", "front vowel": "IY IH EY EH AE", "back vowel": "AH AA AO UH UW OW AW AY OY",
}.items() for phone in phones.split()}


def phone_similarity(heard: list[str], expected: list[str]) -> float:
    """0-100: the mean of the exact and the phone-class similarity of two phone sequences."""
    if not expected:
        return 0.0
    broad = fuzz.ratio([_PHONE_CLASSES.get(p, p) for p in heard], [_PHONE_CLASSES.get(p, p) for p in expected])
    return (fuzz.ratio(heard, expected) + broad) / 2


_NON_PHONES = frozenset({"SIL", "+SPN+", "+NSN+", "+BREATH+", "+COUGH+", "+NOISE+", "+UH+", "+UM+"})


def ensure_word(decoder, word: str) -> bool:  # noqa: ANN001 - pocketsphinx.Decoder
    """Whether ``decoder`` can say ``word``; spellings without apostrophes ("lets", "im") and simple
    plurals are added from the words they stand for."""
    if decoder.lookup_word(word) is not None:
        return True
    for candidate in (word[:i] + "'" + word[i:] for i in range(1, len(word))):
        pron = decoder.lookup_word(candidate)
        if pron is not None:
            decoder.add_word(word, pron, False)
            return True
    if word.endswith("s") and decoder.lookup_word(word[:-1]) is not None:
        decoder.add_word(word, decoder.lookup_word(word[:-1]) + " Z", False)
        return True
    return False


class SphinxRecognizer:
    """``Recognizer`` over pocketsphinx 5 with its bundled US English model."""

    name = "pocketsphinx"

    def __init__(self, catalogue: Catalogue, settings: SphinxSettings | None = None) -> None:
        try:
            from pocketsphinx import Decoder, get_model_path
        except ImportError as exc:
            raise AudioError("PocketSphinx is not installed: run 'make run'.") from exc
        self.settings = settings or SphinxSettings()
        model = os.path.join(get_model_path(), "en-us")
        common = {"hmm": os.path.join(model, "en-us"), "logfn": os.devnull}
        self._grammar = Decoder(dict=os.path.join(model, "cmudict-en-us.dict"), lm=None, **common,
                                **dict(self.settings.decoder))
        self._phones = Decoder(allphone=os.path.join(model, "en-us-phone.lm.bin"), lm=None, **common)
        for context in CONTEXTS:
            try:
                self._grammar.add_jsgf_string(context, jsgf(catalogue, context, self._known))
            except (ValueError, RuntimeError) as exc:
                raise AudioError(f"PocketSphinx could not build the {context} grammar from intents/ ({exc}): "
                                 "check the intent templates with 'rituals understand'.") from exc
        self._context: Context = "idle"
        self._grammar.activate_search(self._context)
        self._open = False

    def _known(self, word: str) -> bool:
        return ensure_word(self._grammar, word)

    def set_context(self, context: Context) -> None:
        if context != self._context and not self._open:
            self._grammar.activate_search(context)
        self._context = context

    def start(self) -> None:
        if self._open:  # the last utterance was abandoned (device closed mid-speech): close it first
            self._grammar.end_utt()
            self._phones.end_utt()
            self._open = False
        if self._grammar.current_search() != self._context:
            self._grammar.activate_search(self._context)
        self._grammar.start_utt()
        self._phones.start_utt()
        self._open = True

    def accept(self, audio: np.ndarray) -> None:
        data = audio.astype("<i2").tobytes()
        self._grammar.process_raw(data, False, False)
        self._phones.process_raw(data, False, False)

    def finish(self) -> Hypothesis:
        self._grammar.end_utt()
        self._phones.end_utt()
        self._open = False
        frames = max(1, self._grammar.n_frames())
        grammar, phones = self._grammar.hyp(), self._phones.hyp()
        if grammar is None or not grammar.hypstr.strip():
            return Hypothesis("", rejected=True, detail={"reason": "no grammar path"})
        # The whole utterance counts, not only where the grammar aligned its words: limiting the
        # comparison to that span let the device's own "Let's check in. Partner one, you'll go first..."
        # pass as "let's check in".
        words = grammar.hypstr.split()
        heard = [p for p in (phones.hypstr.split() if phones is not None else []) if p not in _NON_PHONES]
        expected = [p for word in words for p in (self._grammar.lookup_word(word) or "").split()]
        similarity = phone_similarity(heard, expected)
        ratio = len(heard) / max(1, len(expected))
        g = math.log(max(grammar.score, 1e-300)) / frames
        p = math.log(max(phones.score, 1e-300)) / frames if phones is not None else g
        detail = {"forced": grammar.hypstr, "phone_similarity": round(similarity, 1),
                  "phone_ratio": round(ratio, 2), "score_gap": round(g - p, 6), "frames": frames}
        # the grammar the utterance was decoded with (the context may change while someone speaks)
        s = self.settings.idle if self._grammar.current_search() == "idle" else self.settings.turn
        if not s.accepts(similarity, ratio, g - p, len(words)):
            return Hypothesis("", rejected=True, detail=detail)
        return Hypothesis(grammar.hypstr, detail=detail)
