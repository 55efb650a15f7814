"""Finding sounds in audio by their level: where tests and the benchmark measure timing."""

from __future__ import annotations

import numpy as np

from voice.audio import RATE


def sound_spans(audio: np.ndarray, threshold: int = 200, min_gap: float = 0.3) -> list[tuple[float, float]]:
    """(start, end) seconds of stretches louder than ``threshold``, merging gaps under ``min_gap``."""
    loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > threshold)
    if loud.size == 0:
        return []
    spans: list[list[int]] = [[int(loud[0]), int(loud[0])]]
    gap = int(min_gap * RATE)
    for i in loud[1:]:
        if i - spans[-1][1] > gap:
            spans.append([int(i), int(i)])
        else:
            spans[-1][1] = int(i)
    return [(a / RATE, (b + 1) / RATE) for a, b in spans]


def first_difference(a: np.ndarray, b: np.ndarray, after: float = 0.0, threshold: int = 200) -> float | None:
    """Seconds at which two renders of one session part (their samples differ by more than
    ``threshold``), from ``after`` on; None if they never do. Where a session with an interruption
    leaves the one without it is the moment the device reacted (a cut line and the reply that follows
    it at once are one sound for ``sound_spans``)."""
    n = min(len(a), len(b))
    start = min(n, int(after * RATE))
    apart = np.flatnonzero(np.abs(a[start:n].astype(np.int32) - b[start:n].astype(np.int32)) > threshold)
    if apart.size:
        return (start + int(apart[0])) / RATE
    return None if len(a) == len(b) else n / RATE
