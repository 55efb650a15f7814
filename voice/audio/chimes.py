"""Chimes, generated (never downloaded): soft bell tones with a gentle decay."""

from __future__ import annotations

import numpy as np

from voice.audio import RATE
from voice.audio.convert import to_int16

# (frequency Hz, start s) of each note: rising for start, falling for end, one note for soft.
_NOTES = {
    "start": ((523.25, 0.0), (659.25, 0.18)),
    "end": ((783.99, 0.0), (659.25, 0.2), (523.25, 0.4)),
    "soft": ((659.25, 0.0),),
}
LENGTH = 1.2
"""Every chime lasts exactly this long (seconds), so timing around chimes is exact."""


def chime(name: str, volume: float = 0.35) -> np.ndarray:
    """The chime ``name`` as int16 16 kHz mono."""
    t = np.arange(int(LENGTH * RATE)) / RATE
    out = np.zeros_like(t)
    for freq, start in _NOTES[name]:
        local = t - start
        on = local >= 0
        envelope = np.where(on, np.exp(-3.5 * np.clip(local, 0, None)) * np.minimum(1.0, np.clip(local, 0, None) / 0.01), 0)
        out += envelope * (np.sin(2 * np.pi * freq * local) + 0.3 * np.sin(4 * np.pi * freq * local))
    out *= volume / max(1e-9, np.abs(out).max())
    fade = min(len(out), int(0.05 * RATE))  # end on silence, no click
    out[-fade:] *= np.linspace(1, 0, fade)
    return to_int16(out)
