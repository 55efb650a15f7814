"""Playback through sounddevice that can be cut off at once (barge-in) and reports what finished.

Lines and chimes are queued as audio buffers; PortAudio's callback copies them out block by block.
``cut()`` empties the queue, so the device is quiet within one block (30 ms) plus the output
latency. Every queued item has an id; each id is reported finished exactly once, whether it played
to the end or was cut off.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

import numpy as np

from voice.audio import FRAME, RATE
from voice.errors import AudioError


class Player:
    """A PortAudio output stream fed from a queue."""

    def __init__(self, on_finished: Callable[[int, float], None], on_started: Callable[[int, float], None],
                 clock: Callable[[], float], device: int | str | None = None,
                 reference: Callable[[np.ndarray], None] | None = None) -> None:
        """``reference`` receives every block played (silence too), for echo cancellation."""
        try:
            import sounddevice as sd
        except OSError as exc:
            raise AudioError("PortAudio is missing: run 'make run' (it installs libportaudio2).") from exc
        self._lock = threading.Lock()
        self._queue: deque[tuple[int, np.ndarray]] = deque()
        self._position = 0
        self._on_finished = on_finished
        self._on_started = on_started
        self._clock = clock
        self._reference = reference
        self._held = False
        try:
            # A small explicit latency paces the callback with real playback; with the default, PulseAudio
            # pulled whole prompts in one burst, and the echo canceller's reference no longer matched
            # what the room heard.
            self._stream = sd.OutputStream(samplerate=RATE, channels=1, dtype="int16", blocksize=FRAME,
                                           device=device, callback=self._callback, latency=0.05)
            self._stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            raise AudioError(f"No speaker could be opened ({exc}): connect one, or use "
                             "'rituals listen --input FILE.wav --output OUT.wav'.") from exc

    def play(self, item: int, audio: np.ndarray) -> None:
        with self._lock:
            self._queue.append((item, audio))

    def hold(self, held: bool) -> None:
        """Fall silent and keep the place (``True``), or go on from there (``False``)."""
        with self._lock:  # set by the microphone's thread, read by PortAudio's callback
            self._held = held

    def cut(self) -> list[int]:
        """Stop everything now; returns the ids that were cut off."""
        with self._lock:
            cut = [item for item, _ in self._queue]
            self._queue.clear()
            self._position = 0
        return cut

    def _callback(self, outdata: np.ndarray, frames: int, _time: object, _status: object) -> None:
        out = outdata[:, 0]
        out[:] = 0
        filled = 0
        finished: list[int] = []
        started: list[int] = []
        with self._lock:
            while filled < frames and self._queue and not self._held:
                item, audio = self._queue[0]
                if self._position == 0:
                    started.append(item)
                take = min(frames - filled, len(audio) - self._position)
                out[filled:filled + take] = audio[self._position:self._position + take]
                filled += take
                self._position += take
                if self._position >= len(audio):
                    self._queue.popleft()
                    self._position = 0
                    finished.append(item)
        if self._reference is not None:
            self._reference(out.copy())
        now = self._clock()
        for item in started:
            self._on_started(item, now)
        for item in finished:
            self._on_finished(item, now)

    @property
    def active(self) -> bool:
        return bool(self._stream.active)

    def close(self) -> None:
        self._stream.stop()
        self._stream.close()
