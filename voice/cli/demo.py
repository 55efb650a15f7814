"""``rituals demo``: an evening with no microphone. Two synthesised partners ask for the bedtime
check-in and answer it, through the real recogniser, engine, TTS and journal; writes ``demo.wav``.

The partners' speech is mixed into the input on the same sample clock as the device's output, and
they react to the device (they answer when a turn opens), so the demo exercises the same code as an
evening at home.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from voice.library.places import PROMPTS
from voice.audio import FRAME, RATE
from voice.audio.convert import read_wav
from voice.errors import AudioError, DataFileError
from voice.core.events import Action, EndSession, Log
from voice.core.journal_events import TurnStart
from voice.library.yamlio import load_yaml

SCRIPT = PROMPTS / "demo.yaml"


def load_script(path: Path = SCRIPT) -> tuple[str, str, list[tuple[str, list[str]]]]:
    """(request, closing phrase, [(flite voice, lines)]) from ``prompts/demo.yaml``."""
    data = load_yaml(path)
    try:
        partners = [(str(p["voice"]), [str(line) for line in p["lines"]]) for p in data["partners"]]
        return str(data["ask"]), str(data["done"]), partners
    except (KeyError, TypeError) as exc:
        raise DataFileError(str(path), f"needs ask, done and partners with voice and lines ({exc})") from exc


def flite(text: str, voice: str) -> np.ndarray:
    """``text`` spoken by a flite voice, as 16 kHz int16."""
    if shutil.which("flite") is None:
        raise AudioError("The demo's partner voices need flite: run 'make run' (it installs it).")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "say.wav"
        subprocess.run(["flite", "-voice", voice, "-t", text, "-o", str(path)], check=True, capture_output=True)
        return read_wav(path)


class MixedInput:
    """Endless silence into which clips are mixed at given times, until ``end_at``."""

    def __init__(self) -> None:
        self._clips: list[tuple[int, np.ndarray]] = []
        self._position = 0
        self.end_at: int | None = None

    def add(self, at: float, audio: np.ndarray) -> float:
        """Mix ``audio`` in at ``at`` seconds; returns when it ends."""
        start = max(int(at * RATE), self._position)
        self._clips.append((start, audio))
        return (start + len(audio)) / RATE

    def mixed(self, lo: int, hi: int) -> np.ndarray:
        """Samples ``lo`` to ``hi`` of all clips mixed on silence."""
        out = np.zeros(hi - lo, dtype=np.int32)
        for start, audio in self._clips:
            a, b = max(lo, start), min(hi, start + len(audio))
            if a < b:
                out[a - lo:b - lo] += audio[a - start:b - start]
        return np.clip(out, -32768, 32767).astype(np.int16)

    def __iter__(self) -> Iterator[np.ndarray]:
        while self.end_at is None or self._position < self.end_at:
            self._position += FRAME
            yield self.mixed(self._position - FRAME, self._position)


class DemoCouple:
    """Answers the device: asks for the check-in, then in each turn says one thing and "that's it"."""

    def __init__(self, stream: MixedInput) -> None:
        self.stream = stream
        self.turns = [0, 0]
        self.ask, self.done, self.partners = load_script()
        stream.add(0.5, flite(self.ask, self.partners[0][0]))

    def __call__(self, action: Action, now: float) -> None:
        if isinstance(action, Log) and isinstance(action.event, TurnStart):
            partner = action.event.partner
            voice, lines = self.partners[partner]
            line = lines[self.turns[partner] % len(lines)]
            self.turns[partner] += 1
            end = self.stream.add(now + 0.8, flite(line, voice))
            self.stream.add(end + 0.9, flite(self.done, voice))
        elif isinstance(action, EndSession):
            self.stream.end_at = int((now + 2.0) * RATE)
