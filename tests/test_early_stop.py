"""A stop decided at the utterance's first pause (``Command.acts_early``, ``voice.speech.early``): real
synthesised speech through the real fused stage, in the listener and in render mode in a simulated
room. The fused stage's fast path needs a phrase of six phones or more during a ritual ("stop the ritual",
not the bare "stop", which Whisper confirms at the end of speech), so these say "stop the ritual"."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from voice.audio import RATE
from voice.audio.convert import read_wav
from voice.audio.measure import first_difference, sound_spans
from voice.core.devices import Utterance
from voice.device.listen import Listener

from speech import say, silence, timeline, write

AT = 24.0
"""Where the command is said: over the check-in's third prompt, once the canceller has converged
(over the first two it is heard only now and then, bench/stop.py)."""
QUICK = 0.45
"""The end of speech is declared 0.5 s after the last speech frame: a reaction under this was decided
at the pause (0.2 s)."""


@pytest.fixture(scope="module")
def fused(catalogue):
    from voice.speech.ctc_engine import CtcRecognizer
    from voice.speech.fusion import FusedRecognizer
    from voice.speech.whisper_engine import WhisperRecognizer
    return FusedRecognizer(CtcRecognizer(catalogue), WhisperRecognizer(catalogue), catalogue)


def hear(listener: Listener, audio: np.ndarray, context: str = "turn") -> list[tuple[float, Utterance]]:
    listener.set_context(context)
    out = []
    for i in range(0, len(audio), 320):  # 20 ms chunks, as the rooms feed them
        out += [(t, item) for t, item in listener.feed(audio[i:i + 320], (i + 320) / RATE) if isinstance(item, Utterance)]
    return out


def test_a_sure_stop_ends_the_utterance_at_its_pause(fused):
    clip = say("stop the ritual")
    end = 1.0 + sound_spans(clip)[-1][1]
    heard = hear(Listener(fused), np.concatenate([silence(1.0), clip, silence(1.0)]))
    assert [(u.text, u.detail.get("early"), u.detail["path"]) for _, u in heard] == [("stop the ritual", True, "sure")]
    assert heard[0][0] - end < QUICK
    # Off (the benchmark's baseline), the same stop waits for the end of speech.
    waited = hear(Listener(fused, early_stop=False), np.concatenate([silence(1.0), clip, silence(1.0)]))
    assert [(u.text, u.detail.get("early")) for _, u in waited] == [("stop the ritual", None)]
    assert waited[0][0] - end >= QUICK


def test_a_bare_stop_is_decided_at_its_pause_when_both_engines_heard_it(fused):
    # The verifier is not sure of a bare "stop" (a fragment of anyone's sentence fits it), but the
    # second opinion has already run at the pause: when it heard "stop" too, that is enough there.
    clip = say("stop")
    end = 1.0 + sound_spans(clip)[-1][1]
    heard = hear(Listener(fused), np.concatenate([silence(1.0), clip, silence(1.0)]))
    assert [(u.text, u.detail.get("early"), u.detail["path"]) for _, u in heard] == [("stop", True, "agree")]
    assert heard[0][0] - end < QUICK


def test_speech_after_the_pause_of_an_early_stop_is_a_new_utterance(fused):
    clip = say("stop the ritual")
    first, last = sound_spans(clip)[0][0], sound_spans(clip)[-1][1]
    # 0.35 s between the two: within one utterance for the end of speech (0.5 s), past the pause.
    audio = timeline((1.0, clip), (1.0 + last + 0.35 - first, clip), length=5.0)
    heard = hear(Listener(fused), audio)
    assert [(u.text, u.detail.get("early")) for _, u in heard][:1] == [("stop the ritual", True)]
    assert len(heard) == 2, [u.text for _, u in heard]


def test_an_early_stop_that_is_the_devices_own_words_is_dropped_at_the_pause(fused):
    listener = Listener(fused)
    listener.device_said("you can say stop the ritual at any moment", 0.0, 10.0)
    clip = say("stop the ritual")
    end = 1.0 + sound_spans(clip)[-1][1]
    # Only as much trailing silence as the pause needs: the end of speech has not come yet.
    audio = np.concatenate([silence(1.0), clip, silence(1.0)])[:int((end + 0.35) * RATE)]
    assert hear(listener, audio) == []
    assert listener.echoes_dropped == 1


def test_a_stop_that_begins_a_longer_command_waits_for_the_end_of_speech(catalogue):
    # Between rituals "stop" may be the start of "stop the reminders": even a sure one is not decided
    # at the pause. (The verifier is not sure of a bare "stop" from the suite's voices, so the rule is
    # shown on the fused rule's answer itself.)
    from voice.core.matcher import Match
    from voice.speech.early import decided_early
    from voice.speech.recognizer import Hypothesis

    def sure_stop():
        return Match("stop", phrase="stop"), "sure"

    def early(context):
        return decided_early(sure_stop, Hypothesis("stop"), context, catalogue, frozenset({"stop"}))
    assert early("idle") is None
    assert early("turn").text == "stop" and early("turn").detail["early"]


def render(data: Path, inp: Path, out: Path, *options: str) -> dict:
    result = subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(data), "listen", "--input", str(inp),
                             "--output", str(out), "--engine", "fused", "--room", "--json", *options],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def reaction(tmp_path: Path, phrase: str, *options: str) -> tuple[float, dict]:
    """Seconds from the end of ``phrase`` said over the third prompt to where OUT.wav leaves the same
    session's without it (the prompt cut), and what was heard."""
    clip, request = say(phrase), say("let's check in")
    dry = write(tmp_path / "dry.wav", timeline((0.5, request), length=32))
    render(tmp_path / "dry", dry, tmp_path / "dry.out.wav")
    # A fresh journal (the ritual's choices follow it) with the same cached device voice: the two
    # renders are the same sound until the device reacts.
    shutil.copytree(tmp_path / "dry" / "tts-cache", tmp_path / "data" / "tts-cache")
    inp = write(tmp_path / "in.wav", timeline((0.5, request), (AT, clip), length=32))
    happened = render(tmp_path / "data", inp, tmp_path / "out.wav", *options)
    end = AT + sound_spans(clip)[-1][1]
    cut = first_difference(read_wav(tmp_path / "dry.out.wav"), read_wav(tmp_path / "out.wav"), after=AT)
    assert cut is not None and cut > end
    return cut - end, happened


@pytest.mark.parametrize("voice_options", [(), ("--no-early-stop",)], ids=["early", "no-early-stop"])
def test_stop_said_over_a_prompt_cuts_it_at_the_pause(tmp_path, voice_options):
    seconds, happened = reaction(tmp_path, "stop the ritual", *voice_options)
    assert [(s["ritual"], s["status"]) for s in happened["sessions"]] == [("bedtime_check_in", "stopped")]
    stop = [h for h in happened["heard"] if h["intent"] == "stop"]
    assert len(stop) == 1
    if voice_options:
        assert seconds >= QUICK and "early" not in stop[0]["detail"]
    else:
        assert seconds < QUICK and stop[0]["detail"]["early"] is True


def test_skip_said_over_a_prompt_waits_for_the_end_of_speech(tmp_path):
    # "skip this one" is as sure as "stop the ritual", but the words after a skip can change it: it may not act early.
    seconds, happened = reaction(tmp_path, "skip this one")
    skip = [h for h in happened["heard"] if h["intent"] == "skip"]
    assert [(h["detail"]["path"], h["detail"].get("early")) for h in skip] == [("sure", None)]
    assert seconds >= QUICK
