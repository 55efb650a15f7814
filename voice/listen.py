"""Listening: audio chunks in, input items out (voice activity, finished utterances).

End-of-speech detection cuts the audio into utterances; each is streamed into the recogniser while
it is spoken. The recogniser's grammar follows the skill's listening context. In a real room the
microphone hears the device: an utterance heard while (or just after) the device spoke, whose words
are part of what the device said, is its own echo and is dropped.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from intents import Context
from voice.audio.endpoint import Endpointer, SpeechAudio, SpeechEnded, SpeechStarted
from voice.normalize import normalize
from voice.runner import InputItem, Utterance, VoiceActivity
from voice.speech.recognizer import Recognizer


@dataclass(frozen=True)
class _Said:
    start: float
    end: float
    text: str


class Listener:
    """Feeds audio through the endpointer and recogniser; see the module docstring."""

    def __init__(self, recognizer: Recognizer, endpointer: Endpointer | None = None,
                 activity_interval: float = 1.0, echo_tail: float = 0.6) -> None:
        self.recognizer = recognizer
        self.endpointer = endpointer or Endpointer()
        self.activity_interval = activity_interval
        self.echo_tail = echo_tail
        """Seconds after the device stops talking during which its echo may still be heard."""
        self._context: Context = "idle"
        self._last_activity = -1e9
        self._started = 0.0
        self._said: deque[_Said] = deque(maxlen=16)
        self.echoes_dropped = 0

    def set_context(self, context: Context) -> None:
        self._context = context

    def device_said(self, text: str, start: float, end: float) -> None:
        """The device plays ``text`` from ``start`` to ``end`` (for the echo gate)."""
        self._said.append(_Said(start, end, normalize(text)))

    def feed(self, chunk: np.ndarray, end_time: float) -> list[tuple[float, InputItem]]:
        out: list[tuple[float, InputItem]] = []
        for event in self.endpointer.feed(chunk, end_time):
            if isinstance(event, SpeechStarted):
                self.recognizer.set_context(self._context)
                self.recognizer.start()
                self.recognizer.accept(event.audio)
                self._started = event.at
                self._last_activity = event.at
                out.append((event.at, VoiceActivity()))
            elif isinstance(event, SpeechAudio):
                self.recognizer.accept(event.audio)
            elif isinstance(event, SpeechEnded):
                hypothesis = self.recognizer.finish()
                if self._is_echo(hypothesis.text, self._started, event.at):
                    self.echoes_dropped += 1
                    continue
                out.append((event.at, Utterance(hypothesis.text, hypothesis.alternatives, event.speech_end,
                                                {**hypothesis.detail, "rejected": hypothesis.rejected,
                                                 "engine": self.recognizer.name})))
        if self.endpointer.in_speech and end_time - self._last_activity >= self.activity_interval:
            self._last_activity = end_time
            out.append((end_time, VoiceActivity()))
        return out

    def _is_echo(self, text: str, start: float, end: float) -> bool:
        words = normalize(text)
        if not words:
            return False
        for said in self._said:
            overlaps = start < said.end + self.echo_tail and end > said.start
            if overlaps and fuzz.partial_ratio(words, said.text) >= 85:
                return True
        return False
