"""The voice loop end to end: synthesised speech in, ``rituals listen --input IN --output OUT``, and
what the device said and played measured in OUT.wav; plus the live loop on a virtual sound card."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from voice.audio import FRAME, RATE
from voice.audio.convert import read_wav
from voice.audio.measure import sound_spans
from voice.errors import AudioError

from sound_card import private_sound_card, request_heard
from speech import say, silence, timeline, write

ROOT = Path(__file__).resolve().parents[1]


def listen(tmp_path: Path, audio: np.ndarray, data: Path | None = None) -> tuple[subprocess.CompletedProcess, np.ndarray]:
    data = data or tmp_path / "data"
    inp, out = write(tmp_path / "in.wav", audio), tmp_path / "out.wav"
    result = subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(data), "listen", "--input", str(inp),
                             "--output", str(out), "--engine", "pocketsphinx"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Audio saved" not in result.stdout + result.stderr      # pyttsx3's line never reaches anyone
    return result, read_wav(out)


def history(data: Path) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(data), "history", "--json"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def events(data: Path, kind: str) -> list[dict]:
    import sqlite3
    db = sqlite3.connect(data / "journal.sqlite3")
    return [json.loads(r[0]) | {"offset": r[1]} for r in
            db.execute("SELECT data, offset_s FROM events WHERE kind = ? ORDER BY id", (kind,))]


def test_spoken_kiss_request_completes_with_a_six_second_timer_exact_in_the_output(tmp_path):
    result, out = listen(tmp_path, np.concatenate([silence(0.5), say("let's do the six second kiss"), silence(1)]))
    assert [(s["ritual"], s["status"]) for s in history(tmp_path / "data")] == [("six_second_kiss", "completed")]
    spans = sound_spans(out, min_gap=1.0)          # the cue, then the chime (and the closing line after it)
    cue_end, chime_start = spans[0][1], spans[1][0]
    assert abs((chime_start - cue_end) - 6.0) <= 0.010
    [start], [end] = events(tmp_path / "data", "timer_start"), events(tmp_path / "data", "timer_end")
    assert end["offset"] - start["offset"] == pytest.approx(6.0, abs=1e-6)


def test_stop_spoken_in_the_middle_of_a_long_prompt_ends_the_session_stopped_and_quiet(tmp_path):
    audio = timeline((0.5, say("let's check in")), (4.0, say("stop")), length=12)
    result, out = listen(tmp_path, audio)
    assert [(s["ritual"], s["status"]) for s in history(tmp_path / "data")] == [("bedtime_check_in", "stopped")]
    assert "heard: stop -> stop" in result.stdout
    stop_end = 4.0 + sound_spans(say("stop"))[-1][1]
    # After the stop: only the short goodbye, then silence (the long prompt was cut off).
    assert sound_spans(out[int((stop_end + 3.0) * RATE):]) == []


def test_stop_spoken_over_a_long_answer_between_rituals_cuts_it_off_and_adds_nothing(tmp_path):
    # Between rituals the device may be reading the list of rituals (about ten seconds); "stop" must
    # end it there, and answering "Nothing is running right now" would be more talk, not less.
    audio = timeline((0.5, say("what rituals are there")), (4.5, say("stop")), length=16)
    result, out = listen(tmp_path, audio)
    assert "heard: stop -> stop" in result.stdout
    assert "Nothing is running" not in result.stdout
    stop_end = 4.5 + sound_spans(say("stop"))[-1][1]
    assert sound_spans(out[int((stop_end + 1.0) * 16000):]) == []
    assert history(tmp_path / "data") == []


def test_words_of_a_line_cut_off_by_stop_are_the_couples_again_right_after_the_cut(tmp_path):
    # The help line lists "let's check in"; "stop" cuts it at once. Asked for a moment later, while the
    # line would still have been playing, the check-in is the couple's request, not the line's echo.
    audio = timeline((0.5, say("help")), (3.0, say("stop")), (4.8, say("let's check in")), length=14)
    result, _ = listen(tmp_path, audio)
    assert "heard: stop -> stop" in result.stdout
    assert [s["ritual"] for s in history(tmp_path / "data")] == ["bedtime_check_in"], result.stdout


def test_stop_spoken_in_the_middle_of_a_timer_ends_the_session_stopped(tmp_path):
    audio = timeline((0.5, say("let's do the reunion greeting")), (14.0, say("stop")), length=20)
    result, _ = listen(tmp_path, audio)
    data = tmp_path / "data"
    assert [(s["ritual"], s["status"]) for s in history(data)] == [("reunion_greeting", "stopped")]
    [start], [end] = events(data, "timer_start"), events(data, "timer_end")
    # The hug was held from the timer's start until "stop" was heard: that is what the journal keeps.
    assert end["ended_by"] == "stop" and end["seconds"] == pytest.approx(end["offset"] - start["offset"], abs=1e-3)
    assert 3.0 < end["seconds"] < 14.0


def test_the_skills_own_prompts_fed_back_trigger_nothing(tmp_path, library):
    from voice.speech.tts import Pyttsx3Voice
    voice = Pyttsx3Voice()
    lines = [library.system.get(k) for k in ("help_idle", "help_ritual", "help_turn", "paused", "resumed",
                                              "skipped", "stopped", "not_understood_idle")]
    for ritual_id in ("bedtime_check_in", "six_second_kiss", "appreciation_round"):
        lines += [getattr(step, "text", None) or getattr(step, "prompt", "") for step in library.get(ritual_id).steps]
    names = {"first": "Partner one", "second": "Partner two", "who": "Partner one", "other": "Partner two",
             "question": "", "round": ""}
    clips = [voice.render(line.format(**names)) for line in lines if line]
    audio = np.concatenate([np.concatenate([c, silence(1.0)]) for c in clips])
    result, out = listen(tmp_path, audio)
    assert history(tmp_path / "data") == [], result.stdout
    assert sound_spans(out) == [], result.stdout  # and it never answered itself


def test_rendering_speech_prints_nothing_and_hides_nothing_another_thread_prints(tmp_path):
    # As at home: the speech thread renders prompts while the runner's thread prints what it heard.
    # pyttsx3 prints "Audio saved to ..." from espeak's thread; a redirect of sys.stdout around the
    # render kept that line in, but also swallowed the other thread's lines.
    script = """
import threading, time
from voice.speech.tts import Pyttsx3Voice
voice = Pyttsx3Voice()
done = threading.Event()
def speak():
    for text in ("Let's check in.", "Partner one, you go first tonight.", "Thank you both. Sleep well."):
        voice.render(text)
    done.set()
threading.Thread(target=speak).start()
n = 0
while not done.is_set():
    print(f"line {n}", flush=True)
    n += 1
    time.sleep(0.002)
print(f"printed {n}", flush=True)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    printed = int(lines[-1].removeprefix("printed "))
    assert printed > 0 and lines == [f"line {i}" for i in range(printed)] + [f"printed {printed}"]
    assert "Audio saved" not in result.stdout + result.stderr and result.stderr == ""


def test_distractor_speech_during_a_turn_triggers_nothing(tmp_path):
    audio = timeline((0.5, say("let's check in")),
                     (12.0, say("I appreciate you stopping at the store")),
                     (15.0, say("I'm done with that project", "rms")),
                     (18.0, say("the meeting was paused twice", "awb")),
                     (21.0, say("that's it")), length=30)
    result, _ = listen(tmp_path, audio)
    data = tmp_path / "data"
    first_turn = events(data, "turn_end")[0]
    assert first_turn["ended_by"] == "done" and first_turn["offset"] > 20.0
    assert not events(data, "pause") and not events(data, "skip")


def test_a_failing_input_stream_leaves_an_interrupted_session_and_earlier_sessions_intact(tmp_path, library,
                                                                                            catalogue):
    data = tmp_path / "data"
    listen(tmp_path, np.concatenate([silence(0.5), say("let's do the six second kiss"), silence(1)]), data)
    from voice.journal.store import Journal
    from voice.device.listen import Listener
    from voice.journal.planner import JournalPlanner
    from voice.journal.recorder import JournalRecorder
    from voice.device.render import RenderRoom
    from voice.device.runner import Runner
    from voice.core.skill import Skill
    from voice.speech.sphinx import SphinxRecognizer
    from voice.speech.tts import FakeVoice
    from voice.device.virtual import VirtualClock

    def unplugged():
        audio = np.concatenate([silence(0.5), say("let's check in"), silence(4.0)])
        for i in range(0, len(audio), FRAME):
            yield audio[i:i + FRAME]
        raise AudioError("The microphone stopped sending audio (unplugged?).")

    journal = Journal.open(data / "journal.sqlite3")
    clock = VirtualClock()
    room = RenderRoom(unplugged(), Listener(SphinxRecognizer(catalogue)), FakeVoice(), clock)
    runner = Runner(Skill(library, ("A", "B"), JournalPlanner(journal, library)), catalogue, room, room, clock,
                    JournalRecorder(journal, ("A", "B"), False, 0.0))
    with pytest.raises(AudioError):
        runner.run()
    # (A rendered file's journal times are on its own sample clock from "now", so order by id, not time.)
    assert sorted((s.id, s.ritual_id, s.status) for s in journal.sessions()) == [
        (1, "six_second_kiss", "completed"), (2, "bedtime_check_in", "interrupted")]
    journal.close()


def test_a_48_khz_float_stereo_recording_is_listened_to_like_any_other(tmp_path):
    # What a phone or an editor saves: 32-bit float, two channels, 48 kHz (the old reader refused it).
    import soundfile
    import soxr
    speech = np.concatenate([silence(0.5), say("let's do the six second kiss"), silence(1)]) / 32768.0
    at_48k = soxr.resample(speech, RATE, 48000)
    inp, out, data = tmp_path / "phone.wav", tmp_path / "out.wav", tmp_path / "data"
    soundfile.write(inp, np.stack([at_48k, 0.8 * at_48k], axis=1).astype(np.float32), 48000, subtype="FLOAT")
    result = subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(data), "listen", "--input", str(inp),
                             "--output", str(out), "--engine", "pocketsphinx"], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert [(s["ritual"], s["status"]) for s in history(data)] == [("six_second_kiss", "completed")]
    assert len(read_wav(out)) >= len(speech)


@pytest.mark.parametrize("link", ["same path", "symlink", "hard link", "dotted path"])
def test_output_naming_the_input_is_refused_and_the_recording_stays_as_it_was(tmp_path, link):
    inp = write(tmp_path / "evening.wav", np.concatenate([silence(0.5), say("let's check in"), silence(1)]))
    before = inp.read_bytes()
    out = tmp_path / "other.wav"
    if link == "same path":
        out = inp
    elif link == "dotted path":
        out = tmp_path / "." / "evening.wav"
    elif link == "symlink":
        out.symlink_to(inp)
    else:
        out.hardlink_to(inp)
    result = subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(tmp_path / "data"), "listen",
                             "--input", str(inp), "--output", str(out), "--engine", "pocketsphinx"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "is the input recording itself" in result.stderr and "Traceback" not in result.stderr
    assert inp.read_bytes() == before


def test_an_unreadable_input_file_gives_one_line(tmp_path):
    bad = tmp_path / "in.wav"
    bad.write_bytes(b"RIFF....not really")
    result = subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(tmp_path), "listen", "--input",
                             str(bad), "--output", str(tmp_path / "out.wav")], capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.fixture()
def no_sound_card(tmp_path):
    """The environment of a machine without a microphone: no PulseAudio server to be found (this
    machine has no sound card of its own; where one has, the test is skipped)."""
    env = {k: v for k, v in os.environ.items() if k != "PULSE_SERVER"}
    env |= {"XDG_RUNTIME_DIR": str(tmp_path / "no-sound"), "RITUALS_DATA_DIR": str(tmp_path / "data")}
    probe = subprocess.run([sys.executable, "-c", "import sounddevice as sd; print(any(d['max_input_channels'] > 0 "
                            "for d in sd.query_devices()))"], env=env, capture_output=True, text=True, timeout=60)
    if probe.stdout.strip() != "False":
        pytest.skip(f"this machine has a microphone (or no PortAudio): {probe.stdout}{probe.stderr}")
    return env


def test_listening_without_a_microphone_is_one_line_pointing_to_input_and_demo(no_sound_card):
    result = subprocess.run([sys.executable, "-m", "voice", "listen"], env=no_sound_card, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 3 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "--input" in result.stderr and "rituals demo" in result.stderr


def test_make_run_without_a_microphone_ends_cleanly_after_the_pointer(no_sound_card):
    result = subprocess.run(["make", "--no-print-directory", "run"], cwd=ROOT, env=no_sound_card,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No microphone on this machine" in result.stderr and "rituals demo" in result.stderr
    assert "Error" not in result.stdout + result.stderr


@pytest.fixture(scope="module")
def virtual_sound_card(tmp_path_factory):
    with private_sound_card(tmp_path_factory.mktemp("vaudio")) as env:
        yield env


def test_the_virtual_sound_card_is_stopped_when_the_tests_are_done(tmp_path):
    with private_sound_card(tmp_path) as env:
        assert subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0
        pid = int((tmp_path / "run" / "pulse" / "pid").read_text().split()[0])
    assert subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode != 0
    stat = Path(f"/proc/{pid}/stat")
    assert not stat.exists() or stat.read_text().split(") ")[1].startswith("Z")   # gone (or only a zombie)


@pytest.mark.parametrize("options", [(), ("--no-warm-up",)], ids=["warm-up", "cold"])
def test_live_loop_through_a_virtual_sound_card_completes_the_kiss_and_never_answers_itself(tmp_path,
                                                                                           virtual_sound_card,
                                                                                           options):
    env = virtual_sound_card
    request = write(tmp_path / "request.wav", say("let's do the six second kiss"))
    proc = subprocess.Popen([sys.executable, "-m", "voice", "--data-dir", str(tmp_path), "listen",
                             "--engine", "pocketsphinx", *options], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    time.sleep(4)                                  # models loaded, devices open (else it is tried again)
    heard = request_heard(env, tmp_path, request, 0)
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and not any(s["status"] == "completed" for s in history(tmp_path)):
        time.sleep(0.5)
    time.sleep(4)                                  # the device's last words echo in the room...
    proc.terminate()
    out, err = proc.communicate(timeout=10)
    assert heard is not None, out + err
    assert [(s["ritual"], s["status"]) for s in history(tmp_path)] == [("six_second_kiss", "completed")], out + err
    assert "Sorry" not in out                      # ...and are never taken for a person talking
