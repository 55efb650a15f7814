"""The closed-set phoneme scorer: hama's phoneme CTC model, and a Viterbi search over the phrases the
current context allows (``ctc_graph``). Nothing to download: the model (4.7 MB) ships in the package.

Confidence: the best phrase's log-probability minus that of the unconstrained best path (each
frame's most likely token, any sequence at all), per frame of the utterance. It is 0 when the phrase
is exactly what the model heard and falls as the audio departs from every phrase. On its own it does
not tell commands from other speech in noise; ``voice.speech.verify`` turns it and what else the
search saw into ``verified``, a probability that the phrase was said, on which the decision stage
(``voice.speech.fusion``) draws the line. The garbage path in the ritual slot competes
with the ritual names, so a sentence naming no ritual comes out as "lets do the <garbage>".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voice.library.intents import CONTEXTS, Catalogue, Context
from voice.audio import RATE
from voice.errors import AudioError
from voice.core.normalize import normalize
from voice.speech.ctc_graph import GARBAGE, CtcGraph, best_path, build_graph
from voice.speech import verify
from voice.speech.pronounce import pronunciations
from voice.speech.recognizer import Hypothesis



@dataclass(frozen=True)
class CtcSettings:
    """How the scorer searches (what it accepts is the decision stage's business)."""

    garbage_cost: float = 1.0
    """Log-probability paid per frame on the garbage path, below the frame's best phone: the higher,
    the more a near-miss ritual name must differ from every real one before the garbage wins."""
    idle_floor: float = 0.76
    """Used alone (``--engine ctc``): the lowest ``verified`` probability (``voice.speech.verify``)
    taken as a command between rituals. The fused stage draws its own lines. From
    ``bench/tune_fusion.py`` on the development voices (64.7 % right, 0.42 % false accepts there)."""
    turn_floor: float = 0.8
    """The same during a ritual (41.9 % right, 0.42 % false accepts on the development voices)."""


class CtcRecognizer:
    """``Recognizer`` scoring the context's phrases with hama's phoneme model."""

    name = "ctc"

    def __init__(self, catalogue: Catalogue, settings: CtcSettings | None = None) -> None:
        try:
            from hama import ASRModel
            self._model = ASRModel()
        except ImportError as exc:
            raise AudioError("The phoneme model is not installed: run 'make run' (it installs hama).") from exc
        except (OSError, RuntimeError, ValueError) as exc:
            raise AudioError(f"The phoneme model could not be loaded ({exc.__class__.__name__}): reinstall it "
                             "with '.venv/bin/pip install --force-reinstall hama'.") from exc
        self.settings = settings or CtcSettings()
        tokens = self._model.decoder_tokens
        self._blank = self._model.blank_id
        token_id = {t: i for i, t in enumerate(tokens)}
        lists = {name: list(values) for name, values in catalogue.lists.items()}
        words = set(catalogue.vocabulary) | {w for values in lists.values() for v in values for w in v.split()}
        try:
            prons = pronunciations(words, frozenset(tokens))
        except (OSError, ImportError, RuntimeError, ValueError) as exc:
            raise AudioError(f"The phoneme scorer has no pronunciations ({exc.__class__.__name__}): reinstall "
                             "with 'make run'.") from exc
        self._build = lambda context, personal=None: build_graph(  # noqa: E731
            [t for _i, t in catalogue.templates[context]], lists, prons, token_id, self._blank, personal=personal)
        self.graphs: dict[str, CtcGraph] = {context: self._build(context) for context in CONTEXTS}
        self.enrolled = 0
        """How many enrolment recordings the graphs hold."""
        self._context: Context = "idle"
        self._decoding: Context = "idle"
        self._chunks: list[np.ndarray] = []
        self._early: tuple[int, Hypothesis] | None = None
        """(chunks scored, their hypothesis) from ``prepare``."""

    def set_context(self, context: Context) -> None:
        self._context = context

    def enrol(self, recordings: list[tuple[str, str, np.ndarray]]) -> None:
        """Adds how the couple say their commands: (context, phrase, int16 audio) from ``rituals
        calibrate``. Each becomes one more path through its context's graph, spelt with the phones
        the model heard in that recording (so a voice the model hears oddly still fits its own way
        of saying "stop"); a recording in which nothing was heard adds nothing."""
        personal: dict[str, dict[str, list[tuple[tuple[str, ...], ...]]]] = {c: {} for c in CONTEXTS}
        tokens = self._model.decoder_tokens
        for context, phrase, audio in recordings:
            if context not in personal or not isinstance(phrase, str) or len(audio) < RATE // 10:
                continue
            greedy = self.log_probs(audio).argmax(axis=1)
            heard = [int(t) for i, t in enumerate(greedy) if t != self._blank and (i == 0 or t != greedy[i - 1])]
            spoken = tuple((tokens[t],) for t in heard if tokens[t] not in ("<wb>", "<unk>"))
            if spoken:
                personal[context].setdefault(normalize(phrase), []).append(spoken)
                self.enrolled += 1
        self.graphs = {context: self._build(context, personal[context] or None) for context in CONTEXTS}

    def start(self) -> None:
        self._chunks = []
        self._early = None
        self._decoding = self._context  # the grammar of the utterance is the one it began in

    def accept(self, audio: np.ndarray) -> None:
        self._chunks.append(audio)

    def prepare(self) -> Hypothesis:
        """Scores what was heard so far (the endpointer's trailing silence has begun); ``finish`` reuses
        it unless more audio came. The acoustic model sees the whole utterance at once (its output
        for early frames changes with later audio), so this is the earliest it can run."""
        if self._early is None or self._early[0] != len(self._chunks):
            audio = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16)
            self._early = (len(self._chunks), self.score(audio, self._decoding))
        return self._early[1]

    def log_probs(self, audio: np.ndarray) -> np.ndarray:
        """(frames, tokens) log-probabilities of int16 16 kHz ``audio`` (20 ms frames)."""
        wav = (audio.astype(np.float32) / 32768.0).reshape(1, -1)
        # hama's ASRModel decodes greedily inside ``transcribe``; the search needs the per-frame
        # log-probabilities, which only its session gives (names as ASRModel resolved them).
        try:
            out, lengths = self._model.session.run(
                [self._model._log_probs_output_name, self._model._out_lengths_output_name],
                {self._model._waveform_input_name: wav,
                 self._model._waveform_lengths_input_name: np.array([wav.shape[1]], dtype=np.int64)})
        except RuntimeError as exc:
            raise AudioError(f"The phoneme model failed on this audio ({exc}).") from exc
        return np.asarray(out[0][:int(np.asarray(lengths).reshape(-1)[0])], dtype=np.float64)

    def finish(self) -> Hypothesis:
        hypothesis = self.prepare()
        self._chunks, self._early = [], None
        return hypothesis

    def score(self, audio: np.ndarray, context: str) -> Hypothesis:
        """The best phrase of ``context`` for ``audio`` and its confidence (see the module docstring)."""
        if len(audio) < RATE // 10:
            return Hypothesis("", rejected=True, detail={"reason": "too short"})
        return self.score_frames(self.log_probs(audio), context)

    def score_frames(self, lp: np.ndarray, context: str) -> Hypothesis:
        """``score`` from the acoustic model's output (the benchmark scores one output in both contexts)."""
        path = best_path(self.graphs[context], lp, self.settings.garbage_cost)
        if path is None:
            return Hypothesis("", rejected=True, detail={"reason": "no phrase fits"})
        best = lp.max(axis=1)
        greedy = lp.argmax(axis=1)
        # phones of the unconstrained best path (repeats collapsed, blanks dropped)
        heard = int(np.sum((greedy != self._blank) & np.append(True, greedy[1:] != greedy[:-1])))
        words = [w for i, w in enumerate(path.words) if w != GARBAGE or i == 0 or path.words[i - 1] != GARBAGE]
        confidence = (path.score - float(best.sum())) / len(lp)
        values = verify.inputs(len(lp), confidence, path.emitted - best, greedy != self._blank, heard, path.phones)
        verified = verify.verifier(context).probability(values)
        detail = {"forced": " ".join(words), "confidence": round(confidence, 4), "verified": round(verified, 4),
                  "frames": len(lp), "garbage": GARBAGE in words, "heard_phones": heard,
                  "path_phones": path.phones, "verify_inputs": [round(v, 4) for v in values]}
        floor = self.settings.idle_floor if context == "idle" else self.settings.turn_floor
        if GARBAGE in words or verified < floor:
            return Hypothesis("", rejected=True, detail=detail)
        return Hypothesis(" ".join(words), detail=detail)
