"""Audio files as common tools write them (sox, libsndfile): every encoding, channel count and rate
comes in as the skill's 16 kHz mono with its length, pitch and level; what cannot be read is one line."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile

from voice.audio import RATE
from voice.audio.convert import read_wav
from voice.errors import AudioError

SECONDS = 1.5
AMPLITUDE = 0.5
"""Every generated file holds a 440 Hz sine of this peak (of full scale) on every channel."""


def sox(path: Path, *options: str) -> Path:
    """A SECONDS-long 440 Hz sine at AMPLITUDE written by sox with ``options`` (rate, bits, ...)."""
    subprocess.run(["sox", "-n", "--no-dither", *options, str(path), "synth", str(SECONDS), "sine", "440",
                    "vol", str(AMPLITUDE)], check=True, capture_output=True)
    return path


def wav_format_tag(path: Path) -> int:
    """The fmt chunk's format tag (1 PCM, 3 float, 0xFFFE extensible) of a file sox wrote."""
    return int.from_bytes(path.read_bytes()[20:22], "little")


def assert_is_the_sine(audio: np.ndarray, peak: float = AMPLITUDE, level_tolerance: float = 0.02) -> None:
    assert audio.dtype == np.int16
    assert abs(len(audio) - SECONDS * RATE) <= 2
    spectrum = np.abs(np.fft.rfft(audio.astype(float)))
    assert abs(np.argmax(spectrum) * RATE / len(audio) - 440) < 2
    rms = np.sqrt(np.mean(audio[RATE // 10:-RATE // 10].astype(float) ** 2))
    assert rms == pytest.approx(peak * 32768 / np.sqrt(2), rel=level_tolerance)


@pytest.mark.parametrize("name,options,tag", [
    ("24bit.wav", ("-r", "44100", "-b", "24"), 0xFFFE),                       # sox: extensible above 16 bits
    ("float32.wav", ("-r", "48000", "-e", "floating-point", "-b", "32"), 3),
    ("stereo24.wav", ("-r", "48000", "-c", "2", "-b", "24"), 0xFFFE),
    ("six.wav", ("-r", "48000", "-c", "6", "-b", "16"), 0xFFFE),             # extensible above 2 channels
    ("stereo16.wav", ("-r", "44100", "-c", "2", "-b", "16"), 1),
    ("low.wav", ("-r", "8000", "-b", "16"), 1),
])
def test_wav_files_sox_writes_come_in_with_their_length_pitch_and_level(tmp_path, name, options, tag):
    path = sox(tmp_path / name, *options)
    assert wav_format_tag(path) == tag
    assert_is_the_sine(read_wav(path))


@pytest.mark.parametrize("name,options,tolerance", [
    ("tone.flac", ("-r", "44100", "-b", "24"), 0.02),
    ("tone.ogg", ("-r", "48000", "-c", "2"), 0.05),                            # lossy: the level moves a little
])
def test_flac_and_ogg_come_in_too(tmp_path, name, options, tolerance):
    assert_is_the_sine(read_wav(sox(tmp_path / name, *options)), level_tolerance=tolerance)


def test_channels_are_mixed_down_by_averaging(tmp_path):
    t = np.arange(int(SECONDS * 48000)) / 48000
    tone = AMPLITUDE * np.sin(2 * np.pi * 440 * t)
    path = tmp_path / "left-only.wav"
    soundfile.write(path, np.stack([tone, np.zeros_like(tone)], axis=1), 48000, subtype="PCM_24")
    assert_is_the_sine(read_wav(path), peak=AMPLITUDE / 2)


def test_16_bit_16_khz_mono_comes_back_sample_for_sample(tmp_path):
    samples = np.random.default_rng(7).integers(-32768, 32767, RATE, dtype=np.int16)
    path = tmp_path / "exact.wav"
    soundfile.write(path, samples, RATE, subtype="PCM_16")
    assert np.array_equal(read_wav(path), samples)


def test_a_wav_sox_wrote_to_a_pipe_is_whole_although_its_header_could_not_say_how_long(tmp_path):
    piped = subprocess.run(["sox", "-n", "-r", "16000", "-b", "16", "-t", "wav", "-", "synth", str(SECONDS),
                            "sine", "440", "vol", str(AMPLITUDE)], check=True, capture_output=True).stdout
    path = tmp_path / "piped.wav"
    path.write_bytes(piped)
    assert int.from_bytes(piped[40:44], "little") >= 0x7FFF0000     # sox's placeholder length
    assert_is_the_sine(read_wav(path))


@pytest.mark.parametrize("name,options", [("cut16.wav", ("-r", "16000", "-b", "16")),
                                          ("cut24.wav", ("-r", "44100", "-c", "2", "-b", "24")),
                                          ("cut.flac", ("-r", "44100",))])
def test_a_truncated_file_is_reported_not_taken_for_a_shorter_recording(tmp_path, name, options):
    whole = sox(tmp_path / f"whole-{name}", *options).read_bytes()
    cut = tmp_path / name
    cut.write_bytes(whole[:len(whole) * 2 // 3])
    with pytest.raises(AudioError) as err:
        read_wav(cut)
    message = str(err.value)
    assert "cut short" in message and "record it again" in message and "\n" not in message


@pytest.mark.parametrize("content", [b"shopping list: milk, eggs", b"", b"RIFF\x10\x00\x00\x00WAVEfmt "])
def test_a_file_that_is_not_audio_gives_one_line_with_the_reason(tmp_path, content):
    path = tmp_path / "notes.wav"
    path.write_bytes(content)
    with pytest.raises(AudioError) as err:
        read_wav(path)
    message = str(err.value)
    assert "cannot be read as audio (" in message and "WAV, FLAC or OGG" in message and "\n" not in message


def test_a_folder_or_a_missing_file_gives_one_line(tmp_path):
    with pytest.raises(AudioError, match="is a folder"):
        read_wav(tmp_path)
    with pytest.raises(AudioError, match="No audio file"):
        read_wav(tmp_path / "missing.wav")
