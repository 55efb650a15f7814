"""Listening: audio chunks in, input items out (voice activity, finished utterances).

End-of-speech detection cuts the audio into utterances; each is streamed into the recogniser while
it is spoken. The recogniser's grammar follows the skill's listening context. In a real room the
microphone hears the device: an utterance heard while (or just after) the device spoke is its own
echo and is dropped when its words are part of what the device said, or when it is no command at
all (the device must never answer its own voice with "sorry, I didn't catch that"). A real command
spoken over the device ("stop") still passes.

A command that must act at once (``Command.acts_early``: "stop") is decided at the utterance's first
pause, 0.2 s into its trailing silence, when the engine is sure of it (``early``, see
``voice.speech.early``), instead of at the end of speech 0.3 s later: the utterance ends there, and
what is said after the pause is a new utterance. Everything else, and every engine without
``early``, waits for the end of speech.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from voice.library.intents import Context
from voice.audio.endpoint import Endpointer, Far, SpeechAudio, SpeechEnded, SpeechPaused, SpeechStarted
from voice.core.commands import EARLY_INTENTS
from voice.core.normalize import normalize
from voice.core.devices import InputItem, Utterance, VoiceActivity
from voice.core.numbers import NumberWords
from voice.speech.recognizer import Hypothesis, Recognizer


@dataclass(frozen=True)
class _Said:
    start: float
    end: float
    text: str


class Listener:
    """Feeds audio through the endpointer and recogniser; see the module docstring."""

    def __init__(self, recognizer: Recognizer, endpointer: Endpointer | None = None,
                 activity_interval: float = 1.0, echo_tail: float = 0.6, numbers: NumberWords | None = None,
                 early_stop: bool = True) -> None:
        self.recognizer = recognizer
        self.early = EARLY_INTENTS if early_stop else frozenset()
        """The commands decided at the first pause when the engine is sure (none with ``early_stop``
        off, ``rituals listen --no-early-stop``: every utterance waits for the end of speech)."""
        self.numbers = numbers
        """The language's number words: the device's lines and what is heard are compared alike."""
        self.endpointer = endpointer or Endpointer()
        self.activity_interval = activity_interval
        self.echo_tail = echo_tail
        """Seconds after the device stops talking during which its echo may still be heard."""
        self._context: Context = "idle"
        self._last_activity = -1e9
        self._started = 0.0
        self._open = False
        """An utterance is under way (the endpointer's events after an early end are not its)."""
        self._said: dict[object, _Said] = {}
        # In the live room the runner's thread sets the context and the speech and callback threads
        # report what the device says, while the microphone thread reads both: every access to
        # ``_context`` and ``_said`` holds this lock.
        self._lock = threading.Lock()
        self.echoes_dropped = 0

    def set_context(self, context: Context) -> None:
        with self._lock:
            self._context = context

    def device_said(self, text: str, start: float, end: float, key: object = None) -> None:
        """The device plays ``text`` from ``start`` to ``end`` (for the echo gate). A later call with
        the same ``key`` replaces the earlier guess (a live line's real end is known only later)."""
        said = _Said(start, end, normalize(text, self.numbers))
        with self._lock:
            self._said[key if key is not None else (start, text)] = said
            if len(self._said) > 32:  # only recent lines can echo
                for old in sorted(self._said, key=lambda k: self._said[k].end)[:-32]:
                    del self._said[old]

    def device_cut(self, now: float) -> None:
        """The device fell silent at ``now`` (a stop, skip or pause cut it off): what it was saying
        ends there and what it had not begun never plays. Otherwise the words of a cut line (a help
        line's "or stop") would still count as its echo after the cut, and the couple's own "stop"
        would be thrown away for as long as the line would have run (live: a 30 s guess)."""
        with self._lock:
            for key, said in list(self._said.items()):
                if said.start >= now:
                    del self._said[key]
                elif said.end > now:
                    self._said[key] = _Said(said.start, now, said.text)

    def feed(self, chunk: np.ndarray, end_time: float, far: Far | None = None) -> list[tuple[float, InputItem]]:
        """``far``: what the device played during ``chunk`` (rooms where the microphone hears it)."""
        out: list[tuple[float, InputItem]] = []
        for event in self.endpointer.events(chunk, end_time, far):
            if isinstance(event, SpeechStarted):
                self._open = True
                with self._lock:
                    context = self._context
                self.recognizer.set_context(context)
                self.recognizer.start()
                self.recognizer.accept(event.audio)
                self._started = event.at
                self._last_activity = event.at
                out.append((event.at, VoiceActivity()))
            elif not self._open:
                continue  # the rest of an utterance already decided at its pause
            elif isinstance(event, SpeechAudio):
                self.recognizer.accept(event.audio)
            elif isinstance(event, SpeechPaused):
                # Engines that can work before the end is declared (``prepare``) do it now, in the
                # trailing silence, so that little is left when the end comes.
                prepare = getattr(self.recognizer, "prepare", None)
                if prepare is not None:
                    prepare()
                decided = self._decided_early()
                if decided is not None:  # the utterance ends here: the endpointer starts afresh
                    self._ended(self.endpointer.end_now(event.at), decided, out)
            elif isinstance(event, SpeechEnded):
                self._ended(event, self.recognizer.finish(), out)
        if self.endpointer.in_speech and end_time - self._last_activity >= self.activity_interval:
            self._last_activity = end_time
            out.append((end_time, VoiceActivity()))
        return out

    def _decided_early(self) -> Hypothesis | None:
        early = getattr(self.recognizer, "early", None)
        return early(self.early) if early is not None and self.early else None

    def _ended(self, event: SpeechEnded, hypothesis: Hypothesis, out: list[tuple[float, InputItem]]) -> None:
        """The utterance is over (at its end of speech, or decided at its pause): the same echo gate
        and the same item either way."""
        self._open = False
        if self.is_echo(hypothesis.text, self._started, event.at):
            self.echoes_dropped += 1
            return
        out.append((event.at, Utterance(hypothesis.text, hypothesis.alternatives, event.speech_end,
                                        {**hypothesis.detail, "rejected": hypothesis.rejected,
                                         "engine": self.recognizer.name}, speech_start=self._started)))

    def is_echo(self, text: str, start: float, end: float) -> bool:
        """Whether an utterance heard from ``start`` to ``end`` is the device's own voice."""
        words = normalize(text, self.numbers)
        with self._lock:
            recent = list(self._said.values())
        for said in recent:
            overlaps = start < said.end + self.echo_tail and end > said.start
            if overlaps and (not words or fuzz.partial_ratio(words, said.text) >= 85
                             or _mostly_within(words.split(), said.text.split())):
                return True
        return False


def _mostly_within(words: list[str], said: list[str]) -> bool:
    """Whether (nearly) every heard word is one the device said ("okay stop" in "okay well stop here")."""
    known = set(said)
    return sum(1 for w in words if w in known) >= 0.75 * len(words)
