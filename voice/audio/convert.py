"""Any common audio file (WAV of any encoding, FLAC, OGG; any rate and channel count) to the skill's
16 kHz mono 16-bit, and back out to WAV."""

from __future__ import annotations

import os
import struct
import wave
from pathlib import Path
from typing import BinaryIO

import numpy as np
import soundfile
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


STREAMED_SIZES = (0, 0xFFFFFFFF)
"""Data-chunk sizes a writer leaves when it cannot seek back to fill them in (a pipe): not a promise."""
STREAMED_FLOOR = 0x7FFF0000
"""sox writing to a pipe puts 0x7FFFF000 there; any size this large is such a placeholder."""


def load_mono(path: Path) -> tuple[np.ndarray, int]:
    """An audio file (WAV of any encoding, FLAC, OGG, ...: whatever libsndfile reads) mixed down to
    mono int16, with its sample rate. Anything unreadable is an ``AudioError`` saying why."""
    try:
        with open(path, "rb") as file:
            missing = _missing_wav_bytes(file)
            frames, rate, declared = _decode(file, path)
    except FileNotFoundError as exc:
        raise AudioError(f"No audio file at {path}: check the path.") from exc
    except IsADirectoryError as exc:
        raise AudioError(f"{path} is a folder, not an audio file: give the path of a recording.") from exc
    except OSError as exc:
        raise AudioError(f"Cannot read {path} ({exc.strerror or exc}).") from exc
    if missing or len(frames) < declared:
        # libsndfile quietly reads what is there; a recording that lost its end must not pass for whole.
        raise AudioError(f"{path} is cut short (its header promises more audio than the file holds): "
                         "copy or record it again.")
    if rate < 4000:
        raise AudioError(f"{path}: {rate} Hz is too low a sample rate for speech: record at 8000 Hz or more.")
    # Channels averaged; libsndfile's floats are the samples over 32768, so 16-bit audio comes back exact.
    mono = frames.mean(axis=1) if frames.shape[1] > 1 else frames[:, 0]
    return np.clip(np.round(mono * 32768.0), -32768, 32767).astype(np.int16), rate


def _decode(file: BinaryIO, path: Path) -> tuple[np.ndarray, int, int]:
    """(frames x channels float32, sample rate, frames the header declares) of an open file."""
    try:
        sound = soundfile.SoundFile(file)
    except soundfile.LibsndfileError as exc:
        raise AudioError(f"{path} cannot be read as audio ({_reason(exc)}): use a WAV, FLAC or OGG "
                         "recording, or convert it, e.g. 'sox IN OUT.wav'.") from exc
    with sound:
        try:
            return sound.read(dtype="float32", always_2d=True), sound.samplerate, sound.frames
        except soundfile.LibsndfileError as exc:   # the header was fine, the audio after it is not
            raise AudioError(f"{path} is damaged or cut short ({_reason(exc)}): copy or record it "
                             "again.") from exc


def _reason(exc: soundfile.LibsndfileError) -> str:
    """libsndfile's words for what went wrong, as a clause: "Error : flac decoder lost sync." ->
    "flac decoder lost sync"."""
    reason = exc.error_string.removeprefix("Error :").strip().rstrip(".")
    return reason[:1].lower() + reason[1:]


def _missing_wav_bytes(file: BinaryIO) -> int:
    """Bytes a RIFF WAV's data chunk promises beyond the end of the file (0 for other formats).

    libsndfile shortens a truncated WAV to what is there without an error, so the header is read here.
    """
    size = os.fstat(file.fileno()).st_size
    head = file.read(12)
    pos = 12
    try:
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:] != b"WAVE":
            return 0
        while pos + 8 <= size:
            file.seek(pos)
            chunk, length = struct.unpack("<4sI", file.read(8))
            if chunk == b"data":
                if length in STREAMED_SIZES or length >= STREAMED_FLOOR:
                    return 0
                return max(0, length - (size - pos - 8))
            pos += 8 + length + (length & 1)   # chunks are padded to an even length
        return 0
    finally:
        file.seek(0)


def read_wav(path: Path) -> np.ndarray:
    """An audio file as 16 kHz mono int16; anything unreadable is an ``AudioError`` saying what to do."""
    samples, rate = load_mono(path)
    return resample(samples, rate)


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> None:
    """Write int16 mono samples as a WAV file."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype("<i2").tobytes())
