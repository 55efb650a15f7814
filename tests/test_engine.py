"""The ritual engine on a fake clock: exact timers, pause, and every command in every state."""

from __future__ import annotations

import pytest

from voice.core import journal_events as je
from voice.core.events import Chime, EndSession, Log, OutputDone, Say, Tick, TimerShown
from voice.core.matcher import Match
from voice.core.devices import Utterance
from voice.core.skill import SessionPlan, Skill
from voice.core.engine import RitualEngine

from conftest import NAMES, ScriptedCouple


def _engine(library, ritual_id: str, first: int = 0) -> RitualEngine:
    return RitualEngine(library.get(ritual_id), library.system, NAMES, first)


def _outputs(actions) -> int:
    return sum(isinstance(a, (Say, Chime)) for a in actions)


def _log(actions, kind):
    return [a for a in actions if isinstance(a, Log) and isinstance(a.event, kind)]


def test_six_second_kiss_timer_starts_and_ends_exactly_six_seconds_apart(library):
    engine = _engine(library, "six_second_kiss")
    acts = engine.start(10.0)
    acts = engine.handle(OutputDone(13.25, _outputs(acts)))  # the cue finished playing
    assert _log(acts, je.TimerStart)[0].at == 13.25
    assert engine.next_deadline() == pytest.approx(19.25)
    late = engine.handle(Tick(19.25 + 0.004))  # a driver that wakes 4 ms late
    end = _log(late, je.TimerEnd)[0]
    assert end.at - 13.25 == pytest.approx(6.000, abs=1e-9)
    assert end.event.seconds == 6.0
    assert any(isinstance(a, Chime) and a.name == "end" for a in late)


def test_two_second_pause_in_the_middle_keeps_six_seconds_of_timer(library):
    engine = _engine(library, "six_second_kiss")
    n = _outputs(engine.start(0.0))
    engine.handle(OutputDone(2.0, n))                    # timer runs from 2.0
    paused = engine.handle(_heard(5.0, "pause"))        # 3 s in, 3 s left
    assert _log(paused, je.Pause)[0].event.remaining == 3.0
    assert engine.handle(Tick(100.0)) == []              # time passing while paused changes nothing
    engine.handle(_heard(7.0, "resume"))                # paused for 2 s
    assert engine.next_deadline() == pytest.approx(10.0)
    end = _log(engine.handle(Tick(10.0)), je.TimerEnd)[0]
    assert end.event.seconds == pytest.approx(6.0)     # 6.000 s of timer, pause left out
    assert end.at == pytest.approx(10.0)


def _heard(now: float, intent: str, **slots: str):
    from voice.core.events import Heard
    return Heard(now, Match(intent, dict(slots)), intent)


@pytest.mark.parametrize("state", ["prompt", "timer", "paused"])
def test_stop_ends_the_session_as_stopped_in_every_state(library, state):
    engine = _engine(library, "morning_coffee")
    n = _outputs(engine.start(0.0))
    if state in ("timer", "paused"):
        n += _outputs(engine.handle(OutputDone(3.0, n)))   # the intro finished: chime plays
        n += _outputs(engine.handle(OutputDone(4.0, n)))   # chime finished: timer runs
        assert engine.time_left(4.0) == 600
    if state == "paused":
        engine.handle(_heard(5.0, "pause"))
    acts = engine.handle(_heard(6.0, "stop"))
    ends = [a for a in acts if isinstance(a, EndSession)]
    assert ends and ends[0].status == "stopped"
    assert acts[0].__class__.__name__ == "StopOutput"       # quiet first, then the goodbye
    assert engine.ended and engine.handle(Tick(10_000)) == []


def test_time_left_answers_with_the_running_timer(library):
    engine = _engine(library, "morning_coffee")
    n = _outputs(engine.start(0.0))
    n += _outputs(engine.handle(OutputDone(1.0, n)))
    engine.handle(OutputDone(2.0, n))                      # timer of 600 s from 2.0
    says = [a.text for a in engine.handle(_heard(2.0 + 600 - 200.5, "time_left")) if isinstance(a, Say)]
    assert says == ["3 minutes and 21 seconds left."]


def test_time_left_without_a_timer_says_so(library):
    engine = _engine(library, "bedtime_check_in")
    engine.start(0.0)
    assert [a.text for a in engine.handle(_heard(0.5, "time_left")) if isinstance(a, Say)] == [
        library.system.get("no_timer")]


def test_last_minute_cue_is_said_once_sixty_seconds_before_the_end(library):
    engine = _engine(library, "morning_coffee")
    n = _outputs(engine.start(0.0))
    n += _outputs(engine.handle(OutputDone(1.0, n)))
    engine.handle(OutputDone(2.0, n))
    assert engine.next_deadline() == pytest.approx(542.0)
    cue = [a for a in engine.handle(Tick(542.0)) if isinstance(a, Say)]
    assert [c.text for c in cue] == ["One minute left."] and cue[0].kind == "cue"
    assert engine.next_deadline() == pytest.approx(602.0)


def test_repeat_says_the_last_prompt_again_and_help_lists_commands(library):
    engine = _engine(library, "bedtime_check_in")
    n = _outputs(engine.start(0.0))
    n += _outputs(engine.handle(OutputDone(3.0, n)))       # the turn prompt is being said
    engine.handle(OutputDone(5.0, n))                      # turn open
    again = [a.text for a in engine.handle(_heard(6.0, "repeat")) if isinstance(a, Say)]
    assert again == ["Alex, what was one good moment in your day?"]
    help_text = [a.text for a in engine.handle(_heard(7.0, "help")) if isinstance(a, Say)]
    assert help_text == [library.system.get("help_turn")]


def test_skip_during_a_turn_ends_it_and_moves_on(library):
    engine = _engine(library, "bedtime_check_in")
    n = _outputs(engine.start(0.0))
    n += _outputs(engine.handle(OutputDone(3.0, n)))
    engine.handle(OutputDone(5.0, n))
    acts = engine.handle(_heard(9.0, "skip"))
    turn_end = _log(acts, je.TurnEnd)[0]
    assert turn_end.event == je.TurnEnd(who="first", partner=0, seconds=4.0, ended_by="skip", spoke=False)
    assert "And what was one hard moment?" in [a.text for a in acts if isinstance(a, Say)]


def test_silent_turn_gets_one_hint_then_moves_on(library):
    engine = _engine(library, "bedtime_check_in")
    n = _outputs(engine.start(0.0))
    n += _outputs(engine.handle(OutputDone(3.0, n)))
    engine.handle(OutputDone(5.0, n))                      # turn open, nobody speaks
    hint = engine.handle(Tick(5.0 + 12.0))
    assert [a.text for a in hint if isinstance(a, Say)] == [
        "It can be something small: a laugh, a cup of tea, a kind word."]
    assert engine.next_deadline() == pytest.approx(5.0 + 180)  # silence waits until the hint is said
    engine.handle(OutputDone(20.0, n + 1))
    moved = engine.handle(Tick(32.0))
    assert _log(moved, je.TurnEnd)[0].event.ended_by == "silence"
    assert _log(moved, je.TurnEnd)[0].event.spoke is False      # journaled as silent, not as talk


def test_turn_ends_at_its_time_limit_even_while_someone_talks(library):
    engine = _engine(library, "bedtime_check_in")
    n = _outputs(engine.start(0.0))
    n += _outputs(engine.handle(OutputDone(3.0, n)))
    engine.handle(OutputDone(5.0, n))
    from voice.core.events import Activity
    for t in range(6, 185, 5):
        engine.handle(Activity(float(t)))
    acts = engine.handle(Tick(186.0))
    end = _log(acts, je.TurnEnd)[0]
    assert end.at == 185.0 and end.event.ended_by == "time"
    assert library.system.get("turn_time_up") in [a.text for a in acts if isinstance(a, Say)]


def test_not_understood_yes_no_gets_one_reprompt_then_counts_as_no(library):
    engine = _engine(library, "appreciation_round")
    n = _outputs(engine.start(0.0))
    n += _outputs(engine.handle(OutputDone(3.0, n)))       # intro said; the question is being said
    engine.handle(OutputDone(5.0, n))                      # question said: waiting for yes/no
    from voice.core.events import Heard
    first = engine.handle(Heard(6.0, None, "purple elephant"))
    assert [a.text for a in first if isinstance(a, Say)] == [library.system.get("not_understood_ask")]
    engine.handle(OutputDone(7.0, n + 1))
    second = engine.handle(Tick(7.0 + 10.0))               # then silence
    assert _log(second, je.Answer)[0].event == je.Answer(yes=False)
    assert "Alright. Here we go." in [a.text for a in second if isinstance(a, Say)]


def test_done_in_a_timer_is_ignored_quietly(library):
    engine = _engine(library, "reunion_greeting")
    n = _outputs(engine.start(0.0))
    engine.handle(OutputDone(2.0, n))
    assert engine.handle(_heard(3.0, "done")) == []


def test_starting_another_ritual_mid_session_gets_the_busy_line(library):
    engine = _engine(library, "bedtime_check_in")
    engine.start(0.0)
    acts = engine.handle(_heard(1.0, "start_ritual", ritual="six_second_kiss"))
    assert [a.text for a in acts if isinstance(a, Say)] == [
        library.system.get("busy", ritual="bedtime check-in")]


def test_who_goes_first_alternates_from_session_to_session(make_world):
    firsts = []
    for _ in range(3):
        world = make_world(respond=ScriptedCouple())
        world.runner.run("bedtime_check_in", until_session_ends=True)
        firsts.append(world.journal.sessions()[-1].first_partner)
    assert firsts == [0, 1, 0]


def test_deck_questions_do_not_repeat_until_the_deck_is_used_up(make_world, library):
    deck = library.get("deeper_questions").decks["open"]
    asked: list[str] = []
    sessions = len(deck) // 2 + 1  # two questions a session: one more session than the deck lasts
    for _ in range(sessions):
        world = make_world(respond=ScriptedCouple())
        world.runner.run("deeper_questions", until_session_ends=True)
        asked += [log.event.question for log in world.logs(je.Question)]
    first_pass = asked[: len(deck)]
    assert sorted(first_pass) == sorted(deck)              # every question once before any repeat
    assert len(set(asked[len(deck):])) == len(asked[len(deck):])


def test_idle_skill_reprompts_once_then_stays_quiet(library):
    skill = Skill(library, NAMES, lambda rid: SessionPlan(0, {}))
    from voice.core.events import Heard
    assert [a.text for a in skill.handle(Heard(1.0, None, "blah")) if isinstance(a, Say)] == [
        library.system.get("not_understood_idle")]
    assert skill.handle(Heard(2.0, None, "more chatter")) == []


def test_scripted_piped_text_through_the_runner_completes_the_kiss(make_world):
    world = make_world([(0.0, Utterance("let's do the 6 second kiss"))])
    world.runner.run()
    start, end = world.logs(je.TimerStart)[0], world.logs(je.TimerEnd)[0]
    assert end.at - start.at == pytest.approx(6.0, abs=1e-9)
    assert world.journal.sessions()[-1].status == "completed"
    assert isinstance(world.logs()[-1], Log)
    shown = [p.action for p in world.room.log if isinstance(p.action, TimerShown)]
    assert shown[0].remaining == 6.0 and shown[0].silent


def test_a_forgotten_pause_ends_the_ritual_kindly_instead_of_hanging(library):
    engine = _engine(library, "six_second_kiss")
    n = _outputs(engine.start(0.0))
    engine.handle(OutputDone(2.0, n))
    engine.handle(_heard(3.0, "pause"))
    assert engine.next_deadline() == pytest.approx(3.0 + 1800)
    acts = engine.handle(Tick(5000.0))
    assert [a.status for a in acts if isinstance(a, EndSession)] == ["stopped"]
    assert library.system.get("ended_early") in [a.text for a in acts if isinstance(a, Say)]


def test_a_turn_someone_spoke_in_is_journaled_as_spoken(library):
    from voice.core.events import Activity
    engine = _engine(library, "bedtime_check_in")
    n = _outputs(engine.start(0.0))
    n += _outputs(engine.handle(OutputDone(3.0, n)))
    engine.handle(OutputDone(5.0, n))
    engine.handle(Activity(6.0))
    turn_end = _log(engine.handle(_heard(9.0, "done")), je.TurnEnd)[0]
    assert (turn_end.event.spoke, turn_end.event.ended_by, turn_end.event.seconds) == (True, "done", 4.0)


@pytest.mark.parametrize("paused", [False, True])
def test_a_timer_stopped_half_way_is_journaled_with_the_time_it_ran(library, paused):
    engine = _engine(library, "six_second_kiss")
    n = _outputs(engine.start(0.0))
    engine.handle(OutputDone(2.0, n))                    # the kiss starts at 2.0
    if paused:
        engine.handle(_heard(4.0, "pause"))              # 2 s in; the pause does not count
    acts = engine.handle(_heard(5.0, "stop"))
    [end] = _log(acts, je.TimerEnd)
    assert end.event == je.TimerEnd(seconds=2.0 if paused else 3.0, ended_by="stop") and end.at == 5.0
    assert [a.status for a in acts if isinstance(a, EndSession)] == ["stopped"]


def test_a_turn_skipped_from_a_pause_leaves_the_pause_out_of_its_length(library):
    engine = _engine(library, "bedtime_check_in")
    n = _outputs(engine.start(0.0))
    n += _outputs(engine.handle(OutputDone(3.0, n)))
    engine.handle(OutputDone(5.0, n))                    # the turn opens at 5.0
    engine.handle(_heard(8.0, "pause"))
    turn_end = _log(engine.handle(_heard(60.0, "skip")), je.TurnEnd)[0]
    assert (turn_end.event.seconds, turn_end.event.ended_by) == (3.0, "skip")


def test_ctrl_c_mid_timer_journals_the_time_the_timer_ran(library, catalogue, journal):
    from datetime import datetime, timezone
    from voice.journal.recorder import JournalRecorder
    from voice.device.runner import Runner
    from voice.device.virtual import VirtualClock, VirtualRoom

    class CtrlCRoom(VirtualRoom):
        """A room where the user presses Ctrl-C when the script says so."""

        def get(self, timeout):
            item = super().get(timeout)
            if isinstance(item, Utterance) and item.text == "<ctrl-c>":
                raise KeyboardInterrupt
            return item

    clock = VirtualClock(0.0)
    room = CtrlCRoom(clock, [(8.0, Utterance("<ctrl-c>"))], end_input=False)
    recorder = JournalRecorder(journal, NAMES, False, 0.0, datetime(2026, 11, 20, 21, 0, tzinfo=timezone.utc))
    runner = Runner(Skill(library, NAMES), catalogue, room, room, clock, recorder)
    with pytest.raises(KeyboardInterrupt):
        runner.run("six_second_kiss", until_session_ends=True)
    [session] = journal.sessions()
    [start] = journal.events(session.id, kind=je.TimerStart)
    [end] = journal.events(session.id, kind=je.TimerEnd)
    assert session.status == "stopped" and end.event.ended_by == "stop"
    assert end.event.seconds == pytest.approx(8.0 - start.offset_s) and 0 < end.event.seconds < 6


def _one_turn_ritual(tmp_path, end_on: str):
    from voice.library.schema import parse_ritual
    from voice.library.yamlio import load_yaml
    path = tmp_path / "quiet_turn.yaml"
    path.write_text("id: quiet_turn\nname: quiet turn\ndescription: One turn.\nduration_minutes: 2\n"
                    "cadence: daily\nsteps:\n  - turn:\n      who: first\n      prompt: \"{first}, go.\"\n"
                    f"      max_seconds: 60\n      end_on: {end_on}\n  - say: \"Thanks.\"\n")
    return parse_ritual(path, load_yaml(path))


def test_a_turn_that_ends_only_on_silence_keeps_going_when_the_speaker_says_im_done(library, tmp_path):
    engine = RitualEngine(_one_turn_ritual(tmp_path, "[silence]"), library.system, NAMES, 0)
    engine.handle(OutputDone(1.0, _outputs(engine.start(0.0))))   # the prompt was said: the turn runs
    acts = engine.handle(_heard(5.0, "done"))
    assert _log(acts, je.TurnEnd) == [] and not engine.ended
    assert not [a for a in acts if isinstance(a, Say)]            # nobody is told off mid-turn
    assert engine.time_left(5.0) == pytest.approx(56.0)          # still the same turn, running


def test_a_turn_that_ends_on_done_ends_when_the_speaker_says_im_done(library, tmp_path):
    engine = RitualEngine(_one_turn_ritual(tmp_path, "[done]"), library.system, NAMES, 0)
    engine.handle(OutputDone(1.0, _outputs(engine.start(0.0))))
    assert _log(engine.handle(_heard(5.0, "done")), je.TurnEnd)[0].event.ended_by == "done"
