"""What the listener hears: the microphone with the device's echo cancelled, the same at home and in
render mode's simulated room.

``EchoStage`` takes a microphone chunk and what the speaker played over the same samples, and gives
the cleaned chunk and, for the endpointer, the level played with the microphone's chunk as it was
(the endpointer treats speech over the device differently, ``Far``).
A fresh Speex canceller needs 3-5 s of the device's speech before it removes its echo, and until
then the device hears itself: a "stop" said over the first prompt was lost, and its own first words
were taken for commands (BENCHMARKS.md). The device knows exactly what it plays, so it can warm the
canceller up when it starts: ``warm_up_sound()``, a soft breath of pink noise, played once through
the room before anything else, live when the microphone opens and in render mode's simulated room
before the input begins (``rituals listen --no-warm-up``: the cold start, the benchmark's baseline).
With the endpointer's double-talk rule it took the device's own first words taken for commands from
5 to 0 in 100 simulated sessions, and live it heard 10 of 12 stops over the first prompt where the
cold start heard 7 of 12 (BENCHMARKS.md).
Noise, because it carries every frequency at once: on the simulated rooms it brought the echo
removed in the first second of a prompt from about 5 dB to about 15 dB, where a chime (three tones)
brought nothing and a spoken line, sparser, about as much in twice the time (measured with
bench/stop.py's rooms before it was chosen; its figures are in BENCHMARKS.md).
"""

from __future__ import annotations

import numpy as np

from voice.audio import RATE
from voice.audio.convert import to_int16
from voice.audio.echo import EchoCanceller
from voice.audio.endpoint import Far, level_db

WARM_UP_SECONDS = 2.0
"""Noise long enough for the canceller to learn the room (1 s left it half-trained, 3 s added little)."""
WARM_UP_DBFS = -30.0
"""Quiet (a soft breath at a bedside), yet well above a quiet room's noise (-60 dBFS) at the microphone."""
WARM_UP_TAIL = 0.4
"""Silence after the noise: its echo rings on (delay and reverberation) and is not the couple speaking."""


def warm_up_sound(seed: int = 0) -> np.ndarray:
    """The warm-up: ``WARM_UP_SECONDS`` of pink noise faded in and out, then ``WARM_UP_TAIL`` of silence."""
    n = int(WARM_UP_SECONDS * RATE)
    spectrum = np.fft.rfft(np.random.default_rng(seed).normal(0.0, 1.0, n))
    spectrum[1:] /= np.sqrt(np.arange(1, len(spectrum)))   # 1/f power: pink, gentler than white
    noise = np.fft.irfft(spectrum, n)
    noise *= 10 ** (WARM_UP_DBFS / 20) / np.std(noise)
    fade = int(0.15 * RATE)                                # a breath, not a click
    ramp = np.linspace(0.0, 1.0, fade)
    noise[:fade] *= ramp
    noise[-fade:] *= ramp[::-1]
    return np.concatenate([to_int16(noise), np.zeros(int(WARM_UP_TAIL * RATE), dtype=np.int16)])


class EchoStage:
    """The echo canceller over chunks of any length (it takes whole frames only)."""

    def __init__(self, canceller: EchoCanceller | None = None) -> None:
        self.canceller = canceller or EchoCanceller()

    def hear(self, mic: np.ndarray, played: np.ndarray) -> tuple[np.ndarray, Far]:
        """``mic`` with the echo of ``played`` (as long, or shorter: silence after it) removed, and
        for the endpointer the level of ``played`` with ``mic`` itself (what the canceller took off)."""
        frame = self.canceller.frame
        whole = -(-len(mic) // frame) * frame
        padded = np.zeros(whole, dtype=np.int16)
        reference = np.zeros(whole, dtype=np.int16)
        padded[:len(mic)], reference[:len(played)] = mic, played
        return self.canceller.process(padded, reference)[:len(mic)], Far(level_db(played), mic)

    def close(self) -> None:
        self.canceller.close()
