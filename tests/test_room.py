"""Render mode in a simulated room (``rituals listen --input IN --output OUT --room``): the device's
own output comes back into the microphone and goes through the live room's echo canceller; and
``--json``, what happened on the shared timeline. Real synthesised speech, the real CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from voice.audio import FRAME, RATE
from voice.audio.convert import read_wav
from voice.audio.measure import sound_spans
from voice.audio.room import RoomEcho, RoomSettings

from speech import say, silence, timeline, write

KISS = "let's do the six second kiss"


def listen(data: Path, inp: Path, out: Path, *options: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(data), "listen", "--input", str(inp),
                             "--output", str(out), "--engine", "pocketsphinx", *options],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def listen_json(data: Path, inp: Path, out: Path, *options: str) -> dict:
    return json.loads(listen(data, inp, out, "--json", *options).stdout)


def test_the_devices_own_prompts_fed_back_through_a_room_trigger_nothing_and_leave_the_output_unchanged(tmp_path):
    data = tmp_path / "data"                       # one data folder: both runs speak with the same cached voice
    inp = write(tmp_path / "in.wav", np.concatenate([silence(0.5), say(KISS), silence(20)]))
    listen(data, inp, tmp_path / "dry.wav")
    happened = listen_json(data, inp, tmp_path / "room.wav", "--room")
    assert [(h["text"] != "", h["intent"]) for h in happened["heard"]] == [(True, "start_ritual")], happened["heard"]
    assert [(s["ritual"], s["status"]) for s in happened["sessions"]] == [("six_second_kiss", "completed")]
    assert (tmp_path / "room.wav").read_bytes() == (tmp_path / "dry.wav").read_bytes()


def test_stop_said_over_a_prompt_in_a_room_ends_the_session_stopped_and_quiet(tmp_path):
    # 24 s: over the check-in's third prompt, after about 12 s of device speech, when the canceller
    # has converged. Over the first two prompts it is heard only now and then (bench/stop.py).
    audio = timeline((0.5, say("let's check in")), (24.0, say("stop")), length=32)
    inp, out = write(tmp_path / "in.wav", audio), tmp_path / "out.wav"
    happened = listen_json(tmp_path / "data", inp, out, "--room")
    assert [(s["ritual"], s["status"]) for s in happened["sessions"]] == [("bedtime_check_in", "stopped")]
    stop = [h for h in happened["heard"] if h["intent"] == "stop"]
    assert len(stop) == 1
    # After the stop: only the short goodbye, then silence (the prompt was cut off).
    assert sound_spans(read_wav(out)[int((stop[0]["at"] + 3.0) * RATE):]) == []


def test_json_lists_what_was_heard_and_played_at_the_times_it_is_in_the_output(tmp_path):
    request = say(KISS)
    inp, out = write(tmp_path / "in.wav", np.concatenate([silence(0.5), request, silence(20)])), tmp_path / "out.wav"
    happened = listen_json(tmp_path / "data", inp, out, "--room")
    [heard] = happened["heard"]
    spoken = [(0.5 + a, 0.5 + b) for a, b in sound_spans(request)]
    assert heard["intent"] == "start_ritual" and heard["slots"] == {"ritual": "six_second_kiss"}
    assert abs(heard["start"] - spoken[0][0]) < 0.15 and abs(heard["end"] - spoken[-1][1]) < 0.15
    assert heard["end"] <= heard["at"]             # decided after the speech ended
    played = [a for a in happened["actions"] if a["kind"] in ("say", "chime")]
    assert [a["kind"] for a in played] == ["say", "chime", "say"]
    spans = sound_spans(read_wav(out), min_gap=1.0)  # the cue; then the chime and the closing line
    cue, chime, closing = played
    assert len(spans) == 2
    assert abs(spans[0][0] - cue["start"]) < 0.1 and cue["end"] - 0.3 < spans[0][1] <= cue["end"]
    assert abs(spans[1][0] - chime["start"]) < 0.01 and chime["end"] == closing["start"]
    assert closing["end"] - 0.3 < spans[1][1] <= closing["end"]
    timer = [a for a in happened["actions"] if a["kind"] == "log" and a["log_kind"] in ("timer_start", "timer_end")]
    assert [a["log_kind"] for a in timer] == ["timer_start", "timer_end"]
    assert timer[1]["at"] - timer[0]["at"] == pytest.approx(6.0, abs=1e-3)
    assert chime["start"] == timer[1]["at"] and cue["end"] == timer[0]["at"]
    session = happened["sessions"][0]
    assert session["status"] == "completed" and session["end"] == pytest.approx(closing["end"], abs=1e-3)


def test_the_same_seed_gives_the_same_output_and_the_same_json_twice(tmp_path):
    audio = timeline((0.5, say(KISS, "rms")), (4.5, say("stop", "awb")), length=12)
    inp = write(tmp_path / "in.wav", audio)
    options = ("--seed", "7", "--room-noise-db", "-60", "--room-rt60", "0.4")
    first = listen(tmp_path / "one", inp, tmp_path / "one.wav", "--json", *options).stdout
    shutil.copytree(tmp_path / "one" / "tts-cache", tmp_path / "two" / "tts-cache")  # the same voice, too
    second = listen(tmp_path / "two", inp, tmp_path / "two.wav", "--json", *options).stdout
    assert json.loads(first)["room"] == {**json.loads(first)["room"], "seed": 7, "noise_db": -60.0, "rt60": 0.4}
    assert first == second
    assert (tmp_path / "one.wav").read_bytes() == (tmp_path / "two.wav").read_bytes()


def test_without_json_the_trace_is_printed_as_before(tmp_path):
    inp = write(tmp_path / "in.wav", np.concatenate([silence(0.5), say(KISS), silence(1)]))
    result = listen(tmp_path / "data", inp, tmp_path / "out.wav")
    lines = [line.split("] ", 1)[1] for line in result.stdout.splitlines() if line.startswith("[")]
    assert lines == ["heard: lets a six second kiss -> start_ritual six_second_kiss",
                     "device: Come close. When you hear the chime, the six seconds are up. Kiss now.",
                     "device: ~ end chime ~", "device: Six seconds. Nice."]
    assert result.stdout.splitlines()[-1] == f"Wrote {tmp_path / 'out.wav'}."


def test_the_rooms_echo_is_the_played_sound_delayed_at_its_gain_and_dies_away_when_the_device_stops():
    settings = RoomSettings(delay_ms=25.0, gain_db=-6.0, rt60=0.2)
    echo = RoomEcho(settings)
    click = np.zeros(FRAME, dtype=np.int16)
    click[10] = 10000
    heard = np.concatenate([echo.hear(click)] + [echo.hear(np.zeros(FRAME, dtype=np.int16)) for _ in range(20)])
    delay = int(25.0 * RATE / 1000)
    assert np.abs(heard[:10 + delay]).max() < 1e-6 and heard[10 + delay] > 1000   # nothing before the delay
    assert np.sum(heard ** 2) == pytest.approx(10000 ** 2 * 10 ** (-6.0 / 10), rel=1e-6)
    assert np.abs(heard[10 + delay + int(0.2 * RATE):]).max() < 1e-6       # silence after it rang out


def test_a_rooms_seed_decides_its_sound():
    played = (np.sin(np.arange(4800) / 7.0) * 8000).astype(np.int16)
    def hear(seed: int) -> np.ndarray:
        echo = RoomEcho(RoomSettings(noise_db=-50.0, seed=seed))
        return np.concatenate([echo.hear(played[i:i + FRAME]) for i in range(0, len(played), FRAME)])
    assert np.array_equal(hear(3), hear(3))
    assert not np.allclose(hear(3), hear(4))


@pytest.mark.parametrize("options, says", [
    (["--room-delay-ms", "-5"], "--room-delay-ms -5 is out of range"),
    (["--seed", "-1"], "--seed -1 is out of range"),
    (["--room-rt60", "9"], "--room-rt60 9 is out of range"),
])
def test_a_room_option_out_of_range_gives_one_line(tmp_path, options, says):
    inp = write(tmp_path / "in.wav", silence(1))
    result = subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(tmp_path), "listen", "--input", str(inp),
                             "--output", str(tmp_path / "out.wav"), *options], capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and says in result.stderr
    assert not (tmp_path / "out.wav").exists()


def test_a_room_without_an_input_file_gives_one_line(tmp_path):
    result = subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(tmp_path), "listen", "--room"],
                            capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "--input" in result.stderr


def test_no_warm_up_over_a_recording_without_a_room_gives_one_line_naming_the_room(tmp_path):
    inp = write(tmp_path / "in.wav", silence(1.0))
    result = subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(tmp_path), "listen", "--input",
                             str(inp), "--output", str(tmp_path / "out.wav"), "--no-warm-up"],
                            capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "--room" in result.stderr
    assert not (tmp_path / "out.wav").exists()


def test_the_room_says_the_device_warmed_its_echo_canceller_up_unless_no_warm_up_says_not(tmp_path):
    inp = write(tmp_path / "in.wav", silence(1))
    warm = listen_json(tmp_path / "data", inp, tmp_path / "warm.wav", "--room")["room"]
    cold = listen_json(tmp_path / "data", inp, tmp_path / "cold.wav", "--room", "--no-warm-up")["room"]
    assert warm["warm_up"] is True and cold == {**warm, "warm_up": False}
