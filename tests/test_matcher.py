"""The intent matcher: paraphrases in, distractors out, whole commands only during a turn."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from voice.core.commands import REQUIRED_INTENTS, TURN_INTENTS
from voice.core.matcher import recognize
from voice.core.normalize import normalize


def _intent(catalogue, text, context="idle"):
    match = recognize(text, catalogue, context)
    return None if match is None else (match.intent, match.slots.get("ritual"))


@pytest.mark.parametrize("text,ritual", [
    ("let's check in", "bedtime_check_in"),
    ("Let's check in.", "bedtime_check_in"),
    ("um, let's check in", "bedtime_check_in"),
    ("let’s do the check-in", "bedtime_check_in"),
    ("Let's do the 6 second kiss", "six_second_kiss"),
    ("let's do the six-second kiss", "six_second_kiss"),
    ("time for our kiss", "six_second_kiss"),
    ("lets do the six second kiss now honey", "six_second_kiss"),
    ("can we do the appreciation round", "appreciation_round"),
    ("start the weekly check in", "weekly_check_in"),
    ("let's have our morning coffee", "morning_coffee"),
    ("could we do the deeper questions tonight", "deeper_questions"),
    ("let's do the stress reducing conversation", "stress_reducing_conversation"),
    ("start tech free time", "tech_free_time"),
    ("let's revisit our love story", "love_story"),
    ("let's do the 20 second hug", "reunion_greeting"),
    ("begin undivided attention", "undivided_attention"),
    ("i want to do the active listening", "active_listening"),
    ("lets chek in", "bedtime_check_in"),
])
def test_paraphrase_starts_the_right_ritual(catalogue, text, ritual):
    assert _intent(catalogue, text) == ("start_ritual", ritual)


def test_every_name_and_alias_of_every_ritual_can_start_it(catalogue, library):
    for ritual in library.rituals.values():
        for name in ritual.spoken_names:
            assert _intent(catalogue, f"let's do the {name}") == ("start_ritual", ritual.id), name


@pytest.mark.parametrize("text,intent", [
    ("what rituals are there", "list_rituals"), ("help", "help"), ("what can I say", "help"),
    ("yes please", "yes"), ("no thanks", "no"), ("stop", "stop"), ("how do we use it", "help"),
    ("how long have we kept up our streak", "ask_streak"),
])
def test_idle_commands(catalogue, text, intent):
    assert _intent(catalogue, text) == (intent, None)


@pytest.mark.parametrize("text", [
    "I love you", "what a day", "we should do the dishes", "let's do the dishes", "let's go to bed",
    "start the timer", "let's check in with mom", "did you feed the cat", "I think it's going to rain",
    "the kids were so loud today", "turn off the light", "let's check", "",  "a", "hm", "uh huh",
    "what time is it", "pass me the water", "she said stop by later",
])
def test_everyday_speech_starts_nothing(catalogue, text):
    assert _intent(catalogue, text) is None


@pytest.mark.parametrize("text,intent", [
    ("stop", "stop"), ("stop it", "stop"), ("pause", "pause"), ("hold on", "pause"), ("resume", "resume"),
    ("keep going", "resume"), ("skip", "skip"), ("next question", "skip"), ("repeat that", "repeat"),
    ("could you say that again", "repeat"), ("how much time is left", "time_left"),
    ("how much time do we have", "time_left"), ("I'm done", "done"), ("that's it", "done"),
    ("i am finished", "done"), ("hang on a minute", "pause"), ("I have finished", "done"),
    ("how many seconds have we got left", "time_left"),
])
def test_whole_commands_are_heard_during_a_turn(catalogue, text, intent):
    assert _intent(catalogue, text, "turn") == (intent, None)


@pytest.mark.parametrize("text", [
    "I appreciate you stopping at the store", "I'm done with that project", "I'm done talking about work",
    "the meeting was paused twice", "I wanted to skip lunch", "let's check in", "what rituals are there",
    "yes", "no", "help", "top", "I had a nice time with you", "it was hard to keep going today",
    "I've finished talking about the garden", "hang on the coats by the door", "how do I use the oven",
])
def test_a_partner_talking_during_a_turn_triggers_nothing(catalogue, text):
    assert _intent(catalogue, text, "turn") is None


def test_turn_context_only_holds_turn_commands(catalogue):
    assert {p.intent for p in catalogue.phrases["turn"]} == TURN_INTENTS
    assert REQUIRED_INTENTS <= catalogue.intents


def test_short_noise_never_snaps_to_a_command(catalogue):
    for noise in ["st", "sto", "top", "stp", "ye", "na", "nex", "oh", "um"]:
        assert recognize(noise, catalogue, "turn") is None, noise


def test_near_tie_between_two_rituals_is_rejected():
    from voice.library.intents import load_catalogue
    catalogue = load_catalogue({"sunset walk": "walk", "sunset talk": "talk"})
    assert _intent(catalogue, "let's do the sunset walk") == ("start_ritual", "walk")
    assert _intent(catalogue, "let's do the sunset talk") == ("start_ritual", "talk")
    # One letter from both: the matcher must not guess which one they meant.
    assert _intent(catalogue, "let's do the sunset balk") is None


def test_normalisation_of_case_punctuation_apostrophes_and_numbers():
    assert normalize("Let’s do the 6-Second KISS!") == "lets do the six second kiss"
    assert normalize("the 2nd of 21") == "the second of twenty one"


def test_understand_command_prints_the_decision_as_json():
    out = subprocess.run([sys.executable, "-m", "voice", "understand", "let's do the 6 second kiss", "--json"],
                         capture_output=True, text=True, check=True).stdout
    decision = json.loads(out)
    assert decision["match"]["intent"] == "start_ritual"
    assert decision["match"]["slots"] == {"ritual": "six_second_kiss"}
    out = subprocess.run([sys.executable, "-m", "voice", "understand", "I'm done with that project",
                          "--context", "turn", "--json"], capture_output=True, text=True, check=True).stdout
    assert json.loads(out)["match"] is None


def test_list_references_fill_as_whole_words_and_glued_ones_are_normalised_whole():
    from voice.library.intents import _fill_lists
    lists = {"ritual": {"six second kiss": "six_second_kiss"}, "period": {"this week": "week"}}
    assert _fill_lists("Let's do the {ritual}, {period}!", lists, "x", 1) == [
        ("lets do the six second kiss this week", (("ritual", "six_second_kiss"), ("period", "week")))]
    assert _fill_lists("the {ritual}'s turn", lists, "x", 1) == [
        ("the six second kisss turn", (("ritual", "six_second_kiss"),))]


@pytest.mark.parametrize("template", ["[the|a|ou}r] check in", "[thanks|thank }you]", "[u have|can we do) stop"])
def test_a_template_hassil_cannot_parse_names_its_file_and_line(tmp_path, template):
    from voice.library.intents import load_catalogue
    from voice.errors import DataFileError
    from voice.library.language import default_language
    text = default_language().intents.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.strip().startswith('- "(start|begin'))
    broken = tmp_path / "en.yaml"
    broken.write_text(text.replace(first, first.split("- ")[0] + f'- "{template}"', 1), encoding="utf-8")
    line = text.splitlines().index(first) + 1
    with pytest.raises(DataFileError, match=rf"en.yaml:{line}: cannot parse template"):
        load_catalogue({"six second kiss": "six_second_kiss"}, broken)


@pytest.mark.parametrize("text,context,expected", [
    ("could you stop please", "turn", ("stop", None)),
    ("let's skip this one", "turn", ("skip", None)),
    ("okay you can carry on now", "turn", ("resume", None)),
    ("I think I'm done now", "turn", ("done", None)),
    ("I'd love a six second kiss", "idle", ("start_ritual", "six_second_kiss")),
    ("could we do the love story now please", "idle", ("start_ritual", "love_story")),
])
def test_a_command_in_the_speakers_own_framing_is_that_command(catalogue, text, context, expected):
    assert _intent(catalogue, text, context) == expected


@pytest.mark.parametrize("text,context", [
    ("that's it for the garden this year", "turn"), ("hold on to your hat", "turn"), ("don't stop", "turn"),
    ("how much longer is the film", "turn"), ("I wanted to skip lunch", "turn"),
    ("oh no you can", "idle"), ("the six second kiss was lovely", "idle"),
])
def test_a_command_inside_somebody_elses_sentence_is_not_taken(catalogue, text, context):
    assert _intent(catalogue, text, context) is None


def test_without_framing_words_only_whole_phrases_are_understood(catalogue):
    import dataclasses
    plain = dataclasses.replace(catalogue, framing=frozenset())
    assert _intent(plain, "could you stop please", "turn") is None
    assert _intent(catalogue, "could you stop please", "turn") == ("stop", None)
