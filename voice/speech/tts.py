"""Text to speech: prompts rendered to audio the skill plays itself, so playback can be interrupted
and its length is known before it starts.

``Pyttsx3Voice`` handles the traps seen with pyttsx3 2.99 on Linux: ``runAndWait()`` may return
before the WAV is complete (we wait for the finished-utterance callback), two queued saves keep only
the last (one save per ``runAndWait``), the WAV header always says 22050 Hz (espeak-ng's MBROLA
voices render at 16 kHz), its driver prints a line on every save (silenced at its source), and
``pyttsx3.init()`` returns a shared engine (created once, here). ``CachedVoice`` keeps rendered
prompts on disk so replies start at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import tempfile
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from voice.audio import RATE
from voice.audio.convert import load_mono, read_wav, resample, write_wav
from voice.errors import AudioError
from voice.library.language import DEFAULT, Language, default_language

MBROLA_RATE = 16000
"""What espeak-ng's MBROLA voices render at, whatever the WAV header says (not the skill's ``RATE``)."""


class Voice(Protocol):
    key: str
    """Identifies the voice and its settings (for caching)."""

    def render(self, text: str) -> np.ndarray:
        """``text`` spoken, as int16 16 kHz mono."""
        ...


class FakeVoice:
    """A tiny deterministic voice: exactly ``seconds_per_char`` per character, a quiet hum.

    Tests use it to assert exact output lengths; it is audible enough to be measured in a WAV.
    """

    def __init__(self, seconds_per_char: float = 0.05) -> None:
        self.seconds_per_char = seconds_per_char
        self.key = f"fake-{seconds_per_char}"

    def samples(self, text: str) -> int:
        return int(round(len(text) * self.seconds_per_char * RATE))

    def render(self, text: str) -> np.ndarray:
        t = np.arange(self.samples(text)) / RATE
        return (2000 * np.sin(2 * np.pi * 220 * t)).astype(np.int16)


class Pyttsx3Voice:
    """pyttsx3 (espeak-ng on Linux). Not thread-safe: render from one thread."""

    def __init__(self, voice: str = "", rate: int = 165, volume: float = 0.9, language: Language | None = None) -> None:
        try:
            import pyttsx3
            with contextlib.redirect_stdout(io.StringIO()):
                self._engine = pyttsx3.init()
        except (ImportError, RuntimeError, OSError) as exc:
            raise AudioError(f"Text-to-speech could not start ({exc}): run 'make run' (it installs "
                             "libespeak-ng1).") from exc
        self._silence_driver()
        self._voice_id = self._pick(voice, language or default_language())
        if self._voice_id:
            self._engine.setProperty("voice", self._voice_id)
        self._engine.setProperty("rate", rate)
        self._engine.setProperty("volume", volume)
        self._done = threading.Event()
        self._engine.connect("finished-utterance", lambda name, completed: self._done.set())
        self.key = f"pyttsx3-{self._voice_id or 'default'}-{rate}-{volume}"

    def _silence_driver(self) -> None:
        """pyttsx3's espeak driver prints "Audio saved to ..." on every save, from espeak's synthesis
        thread. Redirecting ``sys.stdout`` around a render is process-wide (it swallowed what other
        threads printed meanwhile) and covers only the render's own window; a ``print`` of the driver
        module's own silences exactly the driver's lines, from any thread, whenever they come."""
        driver = getattr(getattr(self._engine, "proxy", None), "_module", None)
        if driver is not None:
            driver.print = _discard

    def _pick(self, wanted: str, language: Language) -> str:
        voices = self._engine.getProperty("voices") or []
        if wanted:
            for v in voices:
                if wanted.lower() in (v.id or "").lower() or wanted.lower() in (v.name or "").lower():
                    return str(v.id)
            raise AudioError(f"No voice matching '{wanted}': set voice.voice in the config to one of "
                             f"{', '.join(str(v.id) for v in voices[:8])}...")
        # espeak's default voice may be another language's: take the language's own.
        for v in voices:
            voice_id = str(v.id)
            if voice_id == language.tts_voice or voice_id.endswith("/" + language.tts_voice) \
                    or (v.name or "").lower() in language.tts_names:
                return voice_id
        if language.code != DEFAULT:  # the system's default voice would read these lines as gibberish
            raise AudioError(f"No {language.name} voice for text-to-speech ('{language.tts_voice}'): install "
                             "espeak-ng-data (script/setup), or set voice.voice in the config.")
        return ""

    def render(self, text: str) -> np.ndarray:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "say.wav"
            self._done.clear()
            self._engine.save_to_file(text, str(path))
            self._engine.runAndWait()
            if not self._done.wait(10.0):
                raise AudioError("Text-to-speech did not finish a prompt in 10 s.")
            samples, header_rate = load_mono(path)
        mbrola = "mb-" in (self._voice_id or "") or "mbrola" in (self._voice_id or "")
        true_rate = MBROLA_RATE if mbrola else header_rate
        return trim_silence(resample(samples, true_rate))


def _discard(*_args: object, **_kwargs: object) -> None:
    """Stands in for ``print`` in pyttsx3's driver module (``Pyttsx3Voice._silence_driver``)."""


def trim_silence(audio: np.ndarray, threshold: int = 200) -> np.ndarray:
    """Drop the quiet padding at both ends: replies start sooner, and a line ends where it is heard."""
    loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > threshold)
    return audio[loud[0]:loud[-1] + 1] if loud.size else audio[:0]


class CachedVoice:
    """Renders each (voice, text) once and keeps it on disk; later requests are a file read."""

    def __init__(self, voice: Voice, cache_dir: Path) -> None:
        self.voice = voice
        self.cache_dir = cache_dir
        self.key = voice.key
        self.hits = 0
        self.misses = 0

    def path_for(self, text: str) -> Path:
        digest = hashlib.sha256(f"{self.voice.key}\n{text}".encode()).hexdigest()[:32]
        return self.cache_dir / f"{digest}.wav"

    def render(self, text: str) -> np.ndarray:
        path = self.path_for(text)
        if path.exists():
            try:
                audio = read_wav(path)
                self.hits += 1
                return audio
            except AudioError:
                path.unlink(missing_ok=True)  # a damaged cache file is rebuilt, never fatal
        self.misses += 1
        audio = self.voice.render(text)
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            write_wav(tmp, audio, RATE)
            tmp.replace(path)  # atomic: a killed process never leaves half a prompt in the cache
        except OSError:
            pass  # a read-only cache only costs speed
        return audio
