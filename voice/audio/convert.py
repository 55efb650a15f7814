"""Any common WAV (rate, width, channels) to the skill's 16 kHz mono 16-bit, and back out to WAV."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import soxr

from voice.audio import RATE
from voice.errors import AudioError


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1] to int16, clipped."""
    return np.clip(np.round(samples * 32767.0), -32768, 32767).astype(np.int16)


def resample(samples: np.ndarray, rate: int, target: int = RATE) -> np.ndarray:
    """int16 mono at ``rate`` -> int16 mono at ``target`` (soxr, high quality)."""
    if rate == target or samples.size == 0:
        return samples.astype(np.int16, copy=False)
    out = soxr.resample(samples.astype(np.float32) / 32768.0, rate, target, quality="HQ")
    return to_int16(np.asarray(out))


def decode_pcm(raw: bytes, width: int, channels: int) -> np.ndarray:
    """Interleaved PCM of 1-4 bytes a sample -> mono int16 (channels averaged)."""
    if width == 1:  # 8-bit WAV is unsigned
        data = (np.frombuffer(raw, dtype=np.uint8).astype(np.int32) - 128) << 8
    elif width == 2:
        data = np.frombuffer(raw, dtype="<i2").astype(np.int32)
    elif width == 3:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        data = ((b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)) << 8) >> 16  # sign-extend, keep top 16 bits
    elif width == 4:
        data = np.frombuffer(raw, dtype="<i4").astype(np.int64) >> 16
    else:
        raise AudioError(f"unsupported sample width {width}")
    if channels > 1:
        usable = data.size - data.size % channels
        data = data[:usable].reshape(-1, channels).mean(axis=1)
    return np.clip(data, -32768, 32767).astype(np.int16)


def read_wav(path: Path) -> np.ndarray:
    """A WAV file as 16 kHz mono int16; anything unreadable is an ``AudioError`` saying what to do."""
    try:
        with wave.open(str(path), "rb") as wav:
            rate, width, channels = wav.getframerate(), wav.getsampwidth(), wav.getnchannels()
            raw = wav.readframes(wav.getnframes())
    except FileNotFoundError as exc:
        raise AudioError(f"No audio file at {path}: check the path.") from exc
    except (wave.Error, EOFError) as exc:
        raise AudioError(f"{path} is not a PCM WAV file ({exc}): convert it, e.g. "
                         "'sox IN -b 16 OUT.wav'.") from exc
    except OSError as exc:
        raise AudioError(f"Cannot read {path} ({exc.strerror}).") from exc
    if not 1 <= width <= 4 or channels < 1 or rate < 4000:
        raise AudioError(f"{path}: unsupported WAV ({rate} Hz, {width * 8}-bit, {channels} channels): "
                         "convert it to 16-bit PCM.")
    return resample(decode_pcm(raw, width, channels), rate)


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> None:
    """Write int16 mono samples as a WAV file."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype("<i2").tobytes())
