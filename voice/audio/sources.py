"""Audio sources: anything that yields 16 kHz mono int16 chunks (``AudioSource``).

The listening code reads chunks and never knows whether they come from a microphone, a WAV file or
a test's list, so the same code runs at home and in tests.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from voice.audio import FRAME, RATE
from voice.audio.convert import read_wav
from voice.errors import AudioError


class AudioSource(Protocol):
    def chunks(self) -> Iterator[np.ndarray]:
        """int16 mono 16 kHz chunks of ``FRAME`` samples (the last may be shorter), until the end."""
        ...


class ChunkSource:
    """A list of chunks (or one array), for tests."""

    def __init__(self, audio: np.ndarray | Sequence[np.ndarray]) -> None:
        self.audio = np.concatenate(list(audio)) if not isinstance(audio, np.ndarray) else audio

    def chunks(self) -> Iterator[np.ndarray]:
        for start in range(0, len(self.audio), FRAME):
            yield self.audio[start:start + FRAME].astype(np.int16, copy=False)


class WavSource(ChunkSource):
    """An audio file (WAV of any encoding, FLAC, OGG) of any rate and channel count, converted on load."""

    def __init__(self, path: Path) -> None:
        super().__init__(read_wav(path))
        self.path = path


class MicrophoneSource:
    """The default (or a chosen) microphone through sounddevice.

    sounddevice is imported here, not at module level: without PortAudio the import itself fails,
    and the text and file modes must work on such a machine.
    """

    def __init__(self, device: int | str | None = None, timeout: float = 2.0,
                 reference: Callable[[int], np.ndarray] | None = None) -> None:
        self.device = device
        self.timeout = timeout
        """A stream that delivers nothing for this long is dead (device unplugged)."""
        self.reference = reference
        """What the speaker played, ``reference(n)`` for the next ``n`` samples (``ReferenceTap.take``),
        for the echo canceller; taken inside PortAudio's callback (see ``pairs``)."""

    def chunks(self) -> Iterator[np.ndarray]:
        for chunk, _ in self.pairs():
            yield chunk

    def pairs(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Each chunk with what the speaker played over the same samples (empty without a ``reference``).

        The two are paired when the chunk is captured, not when it is read: the recognisers run on
        the reader's thread and may keep it busy for a few hundred milliseconds, while the reference
        (a short, bounded buffer) goes on filling; paired at reading, the reference ran ahead of the
        microphone by every such stall and the canceller lost the room (on the virtual sound card a
        0.4 s stall took the echo removed from 27 dB to 3 dB, measured before this design).
        """
        try:
            import sounddevice as sd
        except OSError as exc:
            raise AudioError("PortAudio is missing: run 'make run' (it installs libportaudio2).") from exc
        frames: queue.Queue[tuple[np.ndarray, np.ndarray]] = queue.Queue(maxsize=400)
        nothing = np.zeros(0, dtype=np.int16)

        def callback(indata: np.ndarray, count: int, _time: object, status: object) -> None:
            played = self.reference(count) if self.reference is not None else nothing
            try:
                frames.put_nowait((indata[:, 0].copy(), played))
            except queue.Full:  # the consumer stalled; dropping audio beats blocking PortAudio
                pass             # (both halves of a pair are dropped together: they stay in step)

        try:
            stream = sd.InputStream(samplerate=RATE, channels=1, dtype="int16", blocksize=FRAME,
                                    device=self.device, callback=callback)
        except (sd.PortAudioError, ValueError) as exc:
            raise AudioError(f"No microphone could be opened ({exc}): plug one in, or use "
                             "'rituals listen --input FILE.wav' or 'rituals demo'.") from exc
        with stream:
            while stream.active:
                try:
                    yield frames.get(timeout=self.timeout)
                except queue.Empty:
                    raise AudioError("The microphone stopped sending audio (unplugged?).") from None
            raise AudioError("The microphone stream stopped (unplugged?).")
