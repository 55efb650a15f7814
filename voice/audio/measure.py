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
