"""Test speech, synthesised at test time (nothing committed): flite voices for English, espeak-ng's
Korean voice (``say_korean``), and mixing helpers."""

from __future__ import annotations

import functools
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from voice.audio import RATE
from voice.audio.convert import read_wav, write_wav


@functools.lru_cache(maxsize=256)
def _say(text: str, voice: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.wav"
        subprocess.run(["flite", "-voice", voice, "-t", text, "-o", str(path)], check=True, capture_output=True)
        return read_wav(path).tobytes()


def say(text: str, voice: str = "slt") -> np.ndarray:
    """``text`` spoken by a flite voice, 16 kHz int16."""
    return np.frombuffer(_say(text, voice), dtype=np.int16).copy()


@functools.lru_cache(maxsize=256)
def _say_korean(text: str, speed: int, pitch: int, variant: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.wav"
        subprocess.run(["espeak-ng", "-v", "ko" + variant, "-s", str(speed), "-p", str(pitch), "-w", str(path), text],
                       check=True, capture_output=True)
        return read_wav(path).tobytes()


def say_korean(text: str, speed: int = 175, pitch: int = 50, variant: str = "") -> np.ndarray:
    """``text`` spoken by espeak-ng's Korean voice (flite has none), 16 kHz int16: ``speed`` in words a
    minute (espeak-ng's default 175), ``pitch`` 0-99, ``variant`` such as "+f3"."""
    return np.frombuffer(_say_korean(text, speed, pitch, variant), dtype=np.int16).copy()


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.int16)


def timeline(*parts: tuple[float, np.ndarray], length: float | None = None) -> np.ndarray:
    """Clips placed at given start times (seconds) on silence."""
    end = max(int(at * RATE) + len(a) for at, a in parts)
    total = max(end, int((length or 0) * RATE)) + RATE // 2
    out = np.zeros(total, dtype=np.int32)
    for at, audio in parts:
        start = int(at * RATE)
        out[start:start + len(audio)] += audio
    return np.clip(out, -32768, 32767).astype(np.int16)


def write(path: Path, audio: np.ndarray) -> Path:
    write_wav(path, audio)
    return path


def heard(recognizer, catalogue, audio: np.ndarray, context: str) -> list[tuple[str, str | None]]:
    """(intent, ritual) of every utterance the listening path makes of ``audio`` (padded with silence
    as a room would be), through the real endpointer, ``recognizer`` and matcher."""
    from voice.audio import FRAME
    from voice.device.listen import Listener
    from voice.core.matcher import recognize
    from voice.core.devices import Utterance
    listener = Listener(recognizer)
    listener.set_context(context)
    padded = np.concatenate([silence(0.5), audio, silence(1.0)])
    items = []
    for i in range(0, len(padded), FRAME):
        items += [it for _, it in listener.feed(padded[i:i + FRAME], (i + FRAME) / RATE)]
    texts = [it.text for it in items if isinstance(it, Utterance) and it.text]
    matches = [recognize(t, catalogue, context) for t in texts]
    return [(m.intent, m.slots.get("ritual")) for m in matches if m is not None]
