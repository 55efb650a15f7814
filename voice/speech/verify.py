"""Whether the phoneme scorer's phrase was really said: a probability from what the search saw.

The scorer's confidence alone (the best phrase against the free best path, per frame) cannot tell a
command from someone else's sentence in noise: under babble the phoneme model hears almost nothing
but blanks, so a two-phone "no" fits 1.8 s of "it smells amazing in the kitchen" nearly as well as
the free path does (confidence -0.015; a clean "let's check in" scores about the same). What tells
them apart is what the utterance *should* sound like against what it does: how many phones the model
heard per second against how many the phrase has, how long the utterance is, and how badly the
phrase fits its worst stretch. ``verified`` weighs those with a logistic model per context, fitted by
``bench/tune_fusion.py`` on the development voices only (a model of a few numbers, kept as code).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

INPUTS = ("confidence", "speech_fit", "worst_window", "heard_rate", "path_rate", "rate_gap", "log_frames",
          "log_phones", "speech_share")
"""What the verifier weighs, in order (see ``inputs``)."""
WINDOW = 5
"""Frames (of 20 ms) over which the worst stretch of the fit is averaged: about one phone."""


def inputs(frames: int, confidence: float, fit: np.ndarray, speech: np.ndarray, heard: int, phones: int) -> tuple[float, ...]:
    """``INPUTS`` of one search. ``fit``: per frame, the path's log-probability minus the frame's
    best; ``speech``: per frame, whether its best token is a phone (not the blank)."""
    f = max(frames, 1)
    n_speech = int(speech.sum())
    windows = np.convolve(fit, np.ones(WINDOW) / WINDOW, mode="valid") if len(fit) >= WINDOW else fit
    return (confidence, float(fit[speech].sum()) / max(n_speech, 1), float(windows.min()) if len(windows) else 0.0,
            10 * heard / f, 10 * phones / f, 10 * (heard - phones) / f, math.log(f), math.log(max(phones, 1)),
            n_speech / f)


@dataclass(frozen=True)
class Verifier:
    """A logistic model over standardised ``INPUTS``."""

    weights: tuple[float, ...]
    """The bias, then one weight per input."""
    means: tuple[float, ...]
    """Each input's mean on the development utterances it was fitted on."""
    scales: tuple[float, ...]
    """Each input's standard deviation there."""

    def probability(self, values: tuple[float, ...]) -> float:
        z = self.weights[0] + sum(w * (v - m) / s for w, v, m, s in zip(self.weights[1:], values, self.means, self.scales))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


# From ``bench/tune_fusion.py`` on the development voices (piper, espeak-ng); see BENCHMARKS.md.
VERIFIERS: dict[str, Verifier] = {
    "idle": Verifier(weights=(2.4215, 1.853, -0.4315, -0.438, -0.1676, 1.171, -1.5698, 1.3425, 0.5197, 2.0864),
                     means=(-0.2352, -0.8683, -1.3738, 2.0809, 1.509, 0.5719, 4.3483, 2.3613, 0.2396),
                     scales=(0.1495, 0.5191, 0.8852, 0.6852, 0.5603, 0.4916, 0.5626, 0.8802, 0.0846)),
    "turn": Verifier(weights=(-2.0336, 3.8904, -0.2057, -0.9897, -1.3005, -0.0308, -1.0569, -0.7956, 1.0968, 2.0198),
                     means=(-0.5316, -1.8389, -2.1244, 2.1171, 0.9748, 1.1423, 4.3186, 1.9123, 0.2428),
                     scales=(0.386, 1.1533, 1.2927, 0.6797, 0.3821, 0.8248, 0.4854, 0.4081, 0.0854)),
}
"""Per listening context."""


def verifier(context: str, verifiers: dict[str, Verifier] | None = None) -> Verifier:
    """The verifier of a listening context (``verifiers``: candidates in its place, for the tuner)."""
    return (verifiers or VERIFIERS)["idle" if context == "idle" else "turn"]
