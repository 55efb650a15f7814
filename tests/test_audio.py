"""Audio edges: conversion of any WAV, end-of-speech detection, chimes, the fake voice, echo cancelling."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from voice.audio import FRAME, RATE
from voice.audio.chimes import LENGTH, chime
from voice.audio.convert import read_wav
from voice.audio.echo import EchoCanceller
from voice.audio.endpoint import FLOOR_LIMIT_DB, EndpointSettings, Endpointer, SpeechEnded, SpeechStarted, level_db
from voice.audio.measure import sound_spans
from voice.audio.sources import ChunkSource, WavSource
from voice.errors import AudioError
from voice.speech.tts import FakeVoice

from speech import say, silence


def _write(path: Path, samples: np.ndarray, rate: int, width: int, channels: int) -> Path:
    scaled = {1: (samples * 127 + 128).astype(np.uint8).tobytes(),
              2: (samples * 32767).astype("<i2").tobytes(),
              4: (samples * 2_147_483_000).astype("<i4").tobytes()}
    if width == 3:
        ints = (samples * 8_388_000).astype("<i4")
        raw = b"".join(int(v).to_bytes(4, "little", signed=True)[:3] for v in ints)
    else:
        raw = scaled[width]
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(raw)
    return path


@pytest.mark.parametrize("rate,width,channels", [(44100, 2, 2), (8000, 1, 1), (48000, 4, 1), (22050, 3, 2),
                                                 (16000, 2, 1)])
def test_any_common_wav_becomes_16k_mono_with_its_length_and_pitch(tmp_path, rate, width, channels):
    t = np.arange(int(1.5 * rate)) / rate
    tone = 0.5 * np.sin(2 * np.pi * 440 * t)
    samples = np.repeat(tone, channels) if channels > 1 else tone
    audio = read_wav(_write(tmp_path / "x.wav", samples, rate, width, channels))
    assert abs(len(audio) - 1.5 * RATE) <= 2
    spectrum = np.abs(np.fft.rfft(audio.astype(float)))
    assert abs(np.argmax(spectrum) * RATE / len(audio) - 440) < 2


def test_a_file_that_is_not_a_wav_gives_one_line(tmp_path):
    bad = tmp_path / "notes.wav"
    bad.write_text("shopping list")
    with pytest.raises(AudioError) as err:
        WavSource(bad)
    assert "cannot be read as audio" in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(AudioError, match="No audio file"):
        WavSource(tmp_path / "missing.wav")


def test_chunk_source_yields_30ms_chunks():
    chunks = list(ChunkSource(np.ones(FRAME * 3 + 10, dtype=np.int16)).chunks())
    assert [len(c) for c in chunks] == [FRAME, FRAME, FRAME, 10]


def _run(endpointer: Endpointer, audio: np.ndarray):
    events = []
    for i in range(0, len(audio), FRAME):
        events += endpointer.feed(audio[i:i + FRAME], (i + len(audio[i:i + FRAME])) / RATE)
    return events


def test_one_spoken_command_between_silences_is_one_utterance_with_its_boundaries():
    speech = say("let's check in")
    audio = np.concatenate([silence(1.0), speech, silence(1.5)])
    events = _run(Endpointer(), audio)
    starts = [e for e in events if isinstance(e, SpeechStarted)]
    ends = [e for e in events if isinstance(e, SpeechEnded)]
    assert len(starts) == len(ends) == 1
    [(onset, offset)] = sound_spans(speech, threshold=300, min_gap=0.5)   # flite pads its clips
    assert abs(starts[0].at - (1.0 + onset)) < 0.1
    assert abs(ends[0].speech_end - (1.0 + offset)) < 0.15
    assert 0.45 <= ends[0].at - ends[0].speech_end <= 0.6           # the trailing silence, as set


def test_steady_noise_alone_is_not_speech():
    rng = np.random.default_rng(1)
    white = rng.normal(0, 1, 5 * RATE)
    pink = np.cumsum(white) - np.convolve(np.cumsum(white), np.ones(400) / 400, mode="same")
    noise = (pink / np.abs(pink).max() * 300).astype(np.int16)       # about -45 dBFS
    assert _run(Endpointer(), noise) == []


def _babble(seconds: float, level: float) -> np.ndarray:
    talkers = [say(t, "kal") for t in ("my mother called again", "the train was late again",
                                        "I need a new pair of shoes", "the dog needs a walk")]
    n = int(seconds * RATE)
    mixed = sum(np.tile(t.astype(float), n // len(t) + 1)[i * 997:i * 997 + n] for i, t in enumerate(talkers))
    return mixed / np.sqrt(np.mean(mixed ** 2)) * level


def test_a_command_over_steady_babble_is_one_utterance_that_ends_with_the_speech():
    # webrtcvad calls babble speech: with a floor that never rose over it, the utterance began with
    # the babble and ran to the end of the audio, and the recogniser heard it all as words.
    speech = say("let's check in")
    babble = _babble(6.0, np.sqrt(np.mean(speech.astype(float) ** 2)) / 10)     # 20 dB below the voice
    audio = babble.copy()
    audio[2 * RATE:2 * RATE + len(speech)] += speech
    events = _run(Endpointer(), np.clip(audio, -32768, 32767).astype(np.int16))
    starts = [e for e in events if isinstance(e, SpeechStarted)]
    ends = [e for e in events if isinstance(e, SpeechEnded)]
    [(onset, offset)] = sound_spans(speech, threshold=300, min_gap=0.5)
    assert len(starts) == len(ends) == 1
    assert abs(starts[0].at - (2.0 + onset)) < 0.15 and abs(ends[0].speech_end - (2.0 + offset)) < 0.2
    sent = sum(len(e.audio) for e in events if hasattr(e, "audio")) / RATE
    assert sent <= (offset - onset) + 0.3 + 0.2 + 0.15          # pre-roll + kept tail, not the babble after


def test_speech_that_never_pauses_is_cut_at_the_longest_utterance():
    talk = np.concatenate([say("we went to the park and then we walked along the river for a long time")] * 3)
    events = _run(Endpointer(EndpointSettings(max_utterance=4.0)), np.concatenate([talk, silence(1)]))
    ends = [e for e in events if isinstance(e, SpeechEnded)]
    assert ends[0].cut and 3.9 <= ends[0].at - [e for e in events if isinstance(e, SpeechStarted)][0].at <= 4.1


def test_chimes_are_generated_and_exactly_as_long_as_declared():
    for name in ("start", "end", "soft"):
        audio = chime(name)
        assert len(audio) == int(LENGTH * RATE) and level_db(audio) > -30
        assert audio[-10:].tolist() == [0] * 10 or np.abs(audio[-10:]).max() < 50


def test_fake_voice_takes_exactly_its_time_per_character():
    voice = FakeVoice(0.05)
    assert len(voice.render("Paused.")) == int(round(7 * 0.05 * RATE))


def test_echo_canceller_removes_the_devices_own_voice_and_keeps_a_spoken_stop():
    prompt = np.concatenate([say("Let's check in. Partner one, you'll go first tonight, and Partner two will listen.",
                                 "rms")] * 2)
    stop = say("stop")
    delay = int(0.064 * RATE)
    mic = np.zeros(len(prompt) + delay + RATE, dtype=np.float64)
    mic[delay:delay + len(prompt)] += 0.6 * prompt
    at = len(prompt) - 2 * RATE                                      # over the prompt's last seconds
    mic[at:at + len(stop)] += stop
    mic = np.clip(mic, -32768, 32767).astype(np.int16)
    played = np.zeros(len(mic), dtype=np.int16)
    played[:len(prompt)] = prompt
    n = len(mic) // 160 * 160
    out = EchoCanceller().process(mic[:n], played[:n])
    echo_only = slice(at - 2 * RATE, at - RATE)                      # converged by then, before the stop
    assert level_db(mic[echo_only]) - level_db(out[echo_only]) >= 15
    assert level_db(mic[at:at + len(stop)]) - level_db(out[at:at + len(stop)]) <= 6


def _pink(n: int, seed: int = 3) -> np.ndarray:
    spectrum = np.fft.rfft(np.random.default_rng(seed).normal(0, 1, n))
    spectrum[1:] /= np.sqrt(np.arange(1, len(spectrum)))
    noise = np.fft.irfft(spectrum, n)
    return noise / np.std(noise)


def test_a_command_over_steady_noise_at_5_db_starts_an_utterance():
    # A fixed 12 dB start margin never let speech at 5 dB SNR start: over a steady noise the margin
    # now shrinks to the noise's own spread.
    speech = say("let's check in").astype(float)
    power = np.mean(speech[np.abs(speech) > 300] ** 2)
    audio = _pink(5 * RATE) * np.sqrt(power / 10 ** 0.5)
    audio[2 * RATE:2 * RATE + len(speech)] += speech
    events = _run(Endpointer(), np.clip(audio, -32768, 32767).astype(np.int16))
    starts = [e for e in events if isinstance(e, SpeechStarted)]
    assert len(starts) == 1 and abs(starts[0].at - 2.0) < 0.3


def test_the_trailing_silence_is_announced_before_the_end():
    from voice.audio.endpoint import SpeechPaused
    events = _run(Endpointer(), np.concatenate([silence(0.5), say("stop"), silence(1.0)]))
    kinds = [type(e).__name__ for e in events if not type(e).__name__ == "SpeechAudio"]
    assert kinds == ["SpeechStarted", "SpeechPaused", "SpeechEnded"]
    paused = next(e for e in events if isinstance(e, SpeechPaused))
    ended = next(e for e in events if isinstance(e, SpeechEnded))
    assert ended.at - paused.at == pytest.approx(0.3, abs=0.031)



@pytest.mark.parametrize("text, below_db", [("stop it", 35), ("stop", 45)])
def test_a_word_in_digital_silence_ends_where_it_is_heard_not_where_its_decay_dies_away(text, below_db):
    # A microphone that gates its silence to zero: the word, then its echo in the room far below
    # hearing (-60 to -70 dBFS), then zeros. Without the floor's limit the endpointer takes the echo
    # for speech, and every reaction waits for it.
    clip = say(text, "rms")
    word = clip[:int(sound_spans(clip)[-1][1] * RATE)]
    tail = word[-int(0.3 * RATE):] * 10 ** (-below_db / 20) * np.linspace(1.0, 0.2, int(0.3 * RATE))
    audio = np.concatenate([silence(1.0), word, tail.astype(np.int16), silence(1.0)])
    after = {}
    for limit in (True, False):
        settings = EndpointSettings(floor_min_db=FLOOR_LIMIT_DB) if limit else EndpointSettings()
        [end] = [e for e in _run(Endpointer(settings), audio) if isinstance(e, SpeechEnded)]
        after[limit] = end.speech_end - (1.0 + len(word) / RATE)
    assert after[True] < 0.06 and after[False] >= after[True] + 0.05, after
