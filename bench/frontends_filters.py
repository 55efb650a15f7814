"""Noise front ends, candidates for the stage before recognition: RNNoise (``pyrnnoise``, weights
compiled in) and Speex's preprocessor (libspeexdsp, already used for echo cancellation).

Each is a stateful stream filter: ``process(chunk)`` returns the same number of int16 16 kHz samples,
filtered (RNNoise adds its 10 ms frame of delay). Whether one is used is the benchmark's call
(BENCHMARKS.md: "front end"); ``FRONT_ENDS`` is the registry it reads.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable

import numpy as np

from voice.audio import RATE
from voice.audio.echo import _PRE_SET_DENOISE, _library


class RnnoiseFilter:
    """RNNoise at its native 48 kHz: 480-sample frames, resampled in and out with soxr."""

    def __init__(self) -> None:
        import soxr
        from pyrnnoise import rnnoise
        self._rnnoise = rnnoise
        self._state = rnnoise.create()
        self._up = soxr.ResampleStream(RATE, 48000, 1, dtype="float32")
        self._down = soxr.ResampleStream(48000, RATE, 1, dtype="float32")
        self._pending = np.zeros(0, np.float32)
        self._out = np.zeros(0, np.float32)

    def process(self, chunk: np.ndarray) -> np.ndarray:
        self._pending = np.concatenate([self._pending, self._up.resample_chunk(chunk.astype(np.float32))])
        done = []
        while len(self._pending) >= 480:
            frame, self._pending = self._pending[:480], self._pending[480:]
            clean, _prob = self._rnnoise.process_mono_frame(self._state, np.clip(frame, -32768, 32767).astype(np.int16))
            done.append(clean.astype(np.float32))
        if done:
            self._out = np.concatenate([self._out, self._down.resample_chunk(np.concatenate(done))])
        # Same length out as in: zeros while the filter fills (its first 10-20 ms).
        need = len(chunk)
        if len(self._out) < need:
            self._out = np.concatenate([np.zeros(need - len(self._out), np.float32), self._out])
        out, self._out = self._out[:need], self._out[need:]
        return np.clip(out, -32768, 32767).astype(np.int16)

    def __del__(self) -> None:
        if getattr(self, "_state", None) is not None:
            self._rnnoise.destroy(self._state)


class SpeexFilter:
    """Speex's preprocessor with denoising on, in 160-sample (10 ms) frames."""

    FRAME = 160

    def __init__(self) -> None:
        self._lib = _library()
        self._state = self._lib.speex_preprocess_state_init(self.FRAME, RATE)
        on = ctypes.c_int(1)
        self._lib.speex_preprocess_ctl(self._state, _PRE_SET_DENOISE, ctypes.byref(on))
        self._pending = np.zeros(0, np.int16)
        self._out = np.zeros(0, np.int16)

    def process(self, chunk: np.ndarray) -> np.ndarray:
        data = np.concatenate([self._pending, chunk.astype(np.int16)])
        whole = len(data) // self.FRAME * self.FRAME
        frames, self._pending = data[:whole].copy(), data[whole:]
        for i in range(0, whole, self.FRAME):
            frame = np.ascontiguousarray(frames[i:i + self.FRAME])
            self._lib.speex_preprocess_run(self._state, frame.ctypes.data_as(ctypes.c_void_p))
            frames[i:i + self.FRAME] = frame
        self._out = np.concatenate([self._out, frames])
        need = len(chunk)
        if len(self._out) < need:  # same length out as in: zeros for the part of a frame still pending
            self._out = np.concatenate([np.zeros(need - len(self._out), np.int16), self._out])
        out, self._out = self._out[:need], self._out[need:]
        return out

    def __del__(self) -> None:
        if getattr(self, "_state", None) is not None:
            self._lib.speex_preprocess_state_destroy(self._state)


FRONT_ENDS: dict[str, Callable[[], object]] = {"rnnoise": RnnoiseFilter, "speex": SpeexFilter}
"""Name -> a new filter (one per audio stream: they keep state)."""


def denoise(audio: np.ndarray, name: str) -> np.ndarray:
    """A whole recording through a new filter ``name`` (for the benchmark and tests)."""
    f = FRONT_ENDS[name]()
    return np.concatenate([f.process(audio[i:i + 1600]) for i in range(0, len(audio), 1600)]) if len(audio) else audio
