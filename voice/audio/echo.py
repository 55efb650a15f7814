"""Acoustic echo cancellation: the device's own voice, subtracted from what the microphone hears.

Without it, "stop" said while the device talks arrives mixed with the device's prompt and cannot be
understood (barge-in fails). The skill knows exactly what it plays, so Speex's adaptive echo
canceller (libspeexdsp, from Debian) learns the room's echo path from that reference and removes it.
The player pushes every block it plays (silence too) into ``ReferenceTap``; the microphone's
callback takes the same number of samples for each chunk it captures, at the moment it captures
it (``MicrophoneSource.pairs``). Both callbacks run on the sound card's clock, so the offset between
them stays constant, and the filter (200 ms) absorbs it. Measured through a
virtual sound card: 25-35 dB less echo once converged (after 3-5 s of device speech).
What the linear filter leaves (and all of it before it has converged) still sounds like speech to
voice-activity detection and would hold an utterance open over a whole prompt, swallowing a "stop"
said over it; Speex's preprocessor, linked to the canceller, suppresses that residual echo.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading

import numpy as np

from voice.audio import RATE
from voice.errors import AudioError

_SET_SAMPLING_RATE = 24          # speex_echo.h
_PRE_SET_DENOISE = 0              # speex_preprocess.h
_PRE_SET_ECHO_SUPPRESS = 20
_PRE_SET_ECHO_SUPPRESS_ACTIVE = 22
_PRE_SET_ECHO_STATE = 24


def _library() -> ctypes.CDLL:
    name = ctypes.util.find_library("speexdsp")
    if name is None:
        raise AudioError("libspeexdsp is missing (echo cancellation): run 'make run' (it installs libspeexdsp1).")
    lib = ctypes.CDLL(name)
    lib.speex_echo_state_init.restype = ctypes.c_void_p
    lib.speex_echo_state_init.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.speex_echo_cancellation.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    lib.speex_echo_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    lib.speex_echo_state_destroy.argtypes = [ctypes.c_void_p]
    lib.speex_preprocess_state_init.restype = ctypes.c_void_p
    lib.speex_preprocess_state_init.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.speex_preprocess_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    lib.speex_preprocess_run.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    lib.speex_preprocess_state_destroy.argtypes = [ctypes.c_void_p]
    return lib


class EchoCanceller:
    """Speex MDF echo canceller for 16 kHz int16 frames of ``frame`` samples."""

    def __init__(self, frame: int = 160, filter_length: int = 3200) -> None:
        self._lib = _library()
        self.frame = frame
        self._state = self._lib.speex_echo_state_init(frame, filter_length)
        rate = ctypes.c_int(RATE)
        self._lib.speex_echo_ctl(self._state, _SET_SAMPLING_RATE, ctypes.byref(rate))
        self._out = np.zeros(frame, dtype=np.int16)
        self._pre = self._lib.speex_preprocess_state_init(frame, RATE)
        self._lib.speex_preprocess_ctl(self._pre, _PRE_SET_ECHO_STATE, ctypes.c_void_p(self._state))
        off = ctypes.c_int(0)  # denoising would also change what the recogniser hears; only echo here
        self._lib.speex_preprocess_ctl(self._pre, _PRE_SET_DENOISE, ctypes.byref(off))
        for request, db in ((_PRE_SET_ECHO_SUPPRESS, -45), (_PRE_SET_ECHO_SUPPRESS_ACTIVE, -15)):
            value = ctypes.c_int(db)
            self._lib.speex_preprocess_ctl(self._pre, request, ctypes.byref(value))

    def process(self, mic: np.ndarray, played: np.ndarray) -> np.ndarray:
        """``mic`` with the echo of ``played`` (same length, a multiple of ``frame``) removed."""
        out = np.empty_like(mic)
        for i in range(0, len(mic) - self.frame + 1, self.frame):
            rec = np.ascontiguousarray(mic[i:i + self.frame], dtype=np.int16)
            ref = np.ascontiguousarray(played[i:i + self.frame], dtype=np.int16)
            self._lib.speex_echo_cancellation(self._state, rec.ctypes.data, ref.ctypes.data,
                                              self._out.ctypes.data)
            self._lib.speex_preprocess_run(self._pre, self._out.ctypes.data)
            out[i:i + self.frame] = self._out
        return out

    def close(self) -> None:
        if self._state:
            self._lib.speex_preprocess_state_destroy(self._pre)
            self._lib.speex_echo_state_destroy(self._state)
            self._state = None

    def __del__(self) -> None:
        self.close()


class ReferenceTap:
    """What the speaker played, in order, for the canceller (a bounded FIFO)."""

    def __init__(self, max_seconds: float = 0.12) -> None:
        self._lock = threading.Lock()
        self._buffer = np.zeros(0, dtype=np.int16)
        self._max = int(max_seconds * RATE)

    def push(self, block: np.ndarray) -> None:
        with self._lock:
            self._buffer = np.concatenate([self._buffer, block])
            if len(self._buffer) > self._max:  # the speaker's callback ran ahead: keep the delay bounded
                self._buffer = self._buffer[-self._max:]

    def take(self, n: int) -> np.ndarray:
        with self._lock:
            got, self._buffer = self._buffer[:n], self._buffer[n:]
        if len(got) < n:  # the speaker fell behind: it played silence
            got = np.concatenate([got, np.zeros(n - len(got), dtype=np.int16)])
        return got
