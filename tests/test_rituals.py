"""Every ritual file loads, follows the brief, and runs to completion under a scripted couple."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from voice.library.rituals import DATA_DIR, load_library
from voice.core import journal_events as je
from voice.core.steps import AskStep, ChimeStep, SayStep, TimerStep, TurnStep
from voice.errors import DataFileError, UnknownRitualError

from conftest import ScriptedCouple

REQUIRED = ["six_second_kiss", "bedtime_check_in", "appreciation_round", "morning_coffee", "weekly_check_in",
            "deeper_questions", "active_listening", "stress_reducing_conversation", "tech_free_time",
            "love_story", "reunion_greeting", "undivided_attention"]


def test_every_required_ritual_is_shipped(library):
    assert set(REQUIRED) <= set(library.rituals)


@pytest.mark.parametrize("ritual_id", REQUIRED)
def test_ritual_runs_to_completion_under_a_scripted_couple(make_world, ritual_id):
    couple = ScriptedCouple()
    world = make_world(respond=couple)
    world.runner.run(ritual_id, until_session_ends=True)
    session = world.journal.sessions()[-1]
    assert (session.ritual_id, session.status) == (ritual_id, "completed")
    ritual = world.runner.skill.library.get(ritual_id)
    turns = [s for s in ritual.steps if isinstance(s, TurnStep)]
    assert couple.turns == len(turns)
    ends = world.logs(je.TurnEnd)
    assert all(e.event.ended_by == "done" for e in ends)
    said = " ".join(world.room.said())
    assert "{" not in said and "}" not in said                # every placeholder was filled
    timers = [s.seconds for s in ritual.steps if isinstance(s, TimerStep)]
    assert [e.event.seconds for e in world.logs(je.TimerEnd)] == timers


def test_shape_of_the_core_rituals(library):
    kiss = library.get("six_second_kiss").steps
    assert [type(s) for s in kiss] == [SayStep, TimerStep, ChimeStep, SayStep] and kiss[1].seconds == 6
    check_in = [s for s in library.get("bedtime_check_in").steps if isinstance(s, TurnStep)]
    assert [s.who for s in check_in] == ["first", "first", "second", "second"]
    rounds = [s for s in library.get("appreciation_round").steps if isinstance(s, TurnStep)]
    assert [s.who for s in rounds] == ["first", "second"] * 3
    assert any(isinstance(s, AskStep) for s in library.get("appreciation_round").steps)
    assert len(library.get("deeper_questions").decks["open"]) >= 30
    assert "What can I do to make you feel loved this coming week?" in library.get("weekly_check_in").steps[-2].prompt
    coffee = [s for s in library.get("morning_coffee").steps if isinstance(s, TimerStep)][0]
    assert coffee.seconds == 600 and coffee.last_minute
    assert [s.seconds for s in library.get("reunion_greeting").steps if isinstance(s, TimerStep)] == [20]
    assert [s.seconds for s in library.get("tech_free_time").steps if isinstance(s, TimerStep)] == [1800]
    assert [s.seconds for s in library.get("undivided_attention").steps if isinstance(s, TimerStep)] == [1200]
    stress = [s for s in library.get("stress_reducing_conversation").steps if isinstance(s, TurnStep)]
    assert [s.max_seconds for s in stress] == [600, 600]


def test_unknown_ritual_name_suggests_the_closest(library):
    with pytest.raises(UnknownRitualError) as err:
        library.find("six secnd kis")
    assert err.value.suggestions[0] == "six_second_kiss"
    assert library.find("Let's Check-In".replace("Let's ", "")).id == "bedtime_check_in"


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "prompts"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


BROKEN = [
    ("timer: {seconds: 6, silent: true}", "timer: {seconds: -6, silent: true}", 9,
     "steps[1].timer.seconds: must be a number greater than 0"),
    ("timer: {seconds: 6, silent: true}", "timr: {seconds: 6}", 9, "unknown step 'timr'"),
    ("chime: end", "chime: gong", 10, "chime: must be one of end, soft, start"),
    ("cadence: daily", "cadence: hourly", 6, "cadence: must be 'daily' or 'weekly'"),
    ('say: "Six seconds. Nice."', 'say: "Six seconds, {frist}."', 11, "unknown placeholder {frist}"),
    ("  - chime: end", "  - chime: end: loud", 10, "invalid YAML: mapping values are not allowed here"),
    ("name: six second kiss", "name: six second kiss\nname: kiss", 3, "invalid YAML: duplicate key 'name'"),
]


@pytest.mark.parametrize("old,new,line,message", BROKEN)
def test_malformed_ritual_file_names_file_line_and_field(tmp_path, old, new, line, message):
    data = _copy_data(tmp_path)
    path = data / "rituals" / "six_second_kiss.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(DataFileError) as err:
        load_library(data)
    assert f"six_second_kiss.yaml:{line}" in str(err.value)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_a_new_ritual_file_is_startable_by_voice_with_no_code_change(tmp_path):
    from voice.library.intents import load_catalogue
    from voice.core.matcher import recognize
    data = _copy_data(tmp_path)
    (data / "rituals" / "gratitude_walk.yaml").write_text(
        "id: gratitude_walk\nname: gratitude walk\naliases: [evening walk]\ndescription: Walk and say thanks.\n"
        "duration_minutes: 20\ncadence: daily\nsteps:\n  - say: \"Off you go, {first} and {second}.\"\n")
    library = load_library(data)
    catalogue = load_catalogue(library.spoken_names())
    match = recognize("let's do the evening walk", catalogue)
    assert match is not None and match.slots == {"ritual": "gratitude_walk"}


def test_two_rituals_cannot_share_a_name(tmp_path):
    data = _copy_data(tmp_path)
    path = data / "rituals" / "reunion_greeting.yaml"
    path.write_text(path.read_text().replace("aliases: [reunion,", "aliases: [kiss, reunion,"))
    with pytest.raises(DataFileError, match="name 'kiss' is already used by ritual"):
        load_library(data)


@pytest.mark.parametrize("old,new,line,message", BROKEN)
def test_a_broken_custom_ritual_is_left_out_and_named_while_the_others_load(tmp_path, old, new, line, message):
    data = _copy_data(tmp_path)
    path = data / "rituals" / "six_second_kiss.yaml"
    path.write_text(path.read_text().replace(old, new, 1))
    library = load_library(data, skip_broken=True)
    assert "six_second_kiss" not in library.rituals and "bedtime_check_in" in library.rituals
    assert len(library.rituals) == len(load_library().rituals) - 1
    [skipped] = library.skipped
    assert str(skipped).startswith(f"{path}:{line}: ") and message in str(skipped)


def test_a_custom_ritual_taking_another_rituals_name_is_left_out_whole(tmp_path):
    data = _copy_data(tmp_path)
    path = data / "rituals" / "six_second_kiss.yaml"   # loads after reunion_greeting, so it is the one left out
    path.write_text(path.read_text().replace("aliases: [", "aliases: [reunion, ", 1))
    library = load_library(data, skip_broken=True)
    assert "six_second_kiss" not in library.rituals and "kiss" not in library.spoken_names()
    assert library.spoken_names()["reunion"] == "reunion_greeting"
    [skipped] = library.skipped
    assert f"{path}:3: name 'reunion' is already used by ritual 'reunion_greeting'" == str(skipped)


def test_when_no_custom_ritual_loads_the_first_error_is_raised(tmp_path):
    data = _copy_data(tmp_path)
    for path in (data / "rituals").glob("*.yaml"):
        path.write_text("id: [\n")
    with pytest.raises(DataFileError, match=r"active_listening.yaml:\d+: invalid YAML"):
        load_library(data, skip_broken=True)


def test_a_custom_system_file_from_before_a_line_was_added_takes_that_line_from_the_shipped_one(tmp_path):
    data = _copy_data(tmp_path)
    path = data / "system.yaml"
    path.write_text("\n".join(line for line in path.read_text().splitlines()
                              if not line.startswith("answer_count_one:")).replace("Ready.", "Here."))
    system = load_library(data).system
    assert system.get("answer_count_one", count=1, ritual="kiss", period="today") == "One kiss session today."
    assert system.get("voice_check") == "Here."                # the couple's own lines stay theirs


@pytest.mark.parametrize("key,text,name", [
    ("busy", "{names} are busy.", "names"),            # a name another line gets (list_rituals)
    ("stopped", "Okay {first}, we stop.", "first"),
    ("time_left", "{count} left.", "count"),
])
def test_a_system_line_using_a_name_it_is_not_given_fails_at_load_naming_file_and_line(tmp_path, key, text, name):
    data = _copy_data(tmp_path)
    path = data / "system.yaml"
    lines = path.read_text().splitlines()
    line_no = next(i for i, line in enumerate(lines, 1) if line.startswith(f"{key}:"))
    lines[line_no - 1] = f'{key}: "{text}"'
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataFileError) as err:
        load_library(data)
    assert str(err.value).startswith(f"{path}:{line_no}: {key}: unknown placeholder {{{name}}}")


def test_every_system_line_is_filled_with_exactly_the_names_it_declares(library):
    from voice.library.rituals import SYSTEM_LINES
    for key, names in SYSTEM_LINES.items():
        assert "{" not in library.system.get(key, **{n: "x" for n in names})
    with pytest.raises(ValueError, match="system line busy needs {ritual}"):
        library.system.get("busy")                   # a caller that forgets a name fails in every test


def test_the_unused_starting_line_is_gone(library):
    assert "starting" not in library.system.texts


REFUSED_STEPS = [
    # Every field a step is written with is acted on, or refused at load (it would do nothing).
    ('timer: {seconds: 6, silent: true, halfway: "Halfway."}', "a silent timer says nothing"),
    ('timer: {seconds: 3, halfway: "Halfway."}', "only timers of 4 seconds or more have a halfway cue"),
    ('timer: {seconds: 90, last_minute: "One minute."}', "only timers longer than two minutes"),
    ('turn: {who: first, prompt: "Go.", deck: open}', "unknown field"),
    ('question: {who: first, deck: open, prompt: "{first}, your question."}', "must say the drawn {question}"),
    # Each step text is given its own names: a say step has no speaker, only a question step a question.
    ('say: "{who}, come close."', "unknown placeholder {who}"),
    ('ask: {prompt: "Ready, {other}?"}', "unknown placeholder {other}"),
    ('say: "Round {round}."', "unknown placeholder {round}"),
]


@pytest.mark.parametrize("step,message", REFUSED_STEPS)
def test_a_step_field_that_would_not_be_acted_on_is_refused_at_load(tmp_path, step, message):
    data = _copy_data(tmp_path)
    path = data / "rituals" / "six_second_kiss.yaml"
    path.write_text(path.read_text().replace("  - chime: end\n", f"  - {step}\n") + "decks:\n  open: [\"Why?\"]\n")
    with pytest.raises(DataFileError) as err:
        load_library(data)
    assert "six_second_kiss.yaml:10: steps[2]." in str(err.value) and message in str(err.value)


def test_round_is_filled_in_a_repeat_block(tmp_path):
    data = _copy_data(tmp_path)
    path = data / "rituals" / "six_second_kiss.yaml"
    path.write_text(path.read_text().replace("  - chime: end\n",
                                             "  - repeat: {times: 2, steps: [say: \"Round {round}.\"]}\n"))
    steps = load_library(data).get("six_second_kiss").steps
    assert [s.text for s in steps if isinstance(s, SayStep)][1:3] == ["Round 1.", "Round 2."]
