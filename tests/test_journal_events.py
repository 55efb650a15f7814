"""Journal events: one typed kind each, written and read through encode/decode."""

from __future__ import annotations

import pytest

from voice import journal_events as je
from voice.errors import EventError, JournalError

OLD_ROWS = [   # (kind, data) exactly as the code before typed events wrote them, old shapes included
    ("session_start", {"ritual": "bedtime_check_in", "first": 1}),
    ("step", {"index": 0, "type": "turn"}),
    ("question", {"deck": "day", "question": "What made you smile today?"}),
    ("turn_start", {"who": "first", "partner": 1}),
    ("heard", {"intent": None, "context": "turn", "score": None}),                  # spoken text not kept
    ("heard", {"intent": "pause", "context": "turn", "score": 0.9, "text": "pause"}),
    ("pause", {"remaining": 47.5}),
    ("resume", {"remaining": 47.5}),
    ("pause", {"remaining": None}),
    ("reprompt", {"reason": "silence"}),
    ("turn_end", {"who": "first", "partner": 1, "seconds": 55.5, "ended_by": "time"}),  # before 'spoke'
    ("turn_end", {"who": "second", "partner": 0, "seconds": 4.0, "ended_by": "skip", "spoke": False}),
    ("timer_start", {"seconds": 6}),                                                # a whole number, from YAML
    ("timer_end", {"seconds": 30.0}),                                               # before 'ended_by'
    ("timer_end", {"seconds": 2.5, "ended_by": "stop"}),
    ("skip", {"index": 3}),
    ("ask_start", {"index": 4}),
    ("answer", {"yes": False}),
    ("session_end", {"status": "stopped"}),
]

EXPECTED = [
    je.SessionStart("bedtime_check_in", 1), je.StepStart(0, "turn"),
    je.Question("day", "What made you smile today?"), je.TurnStart("first", 1),
    je.SpeechHeard(None, "turn", None), je.SpeechHeard("pause", "turn", 0.9, text="pause"),
    je.Pause(47.5), je.Resume(47.5), je.Pause(None), je.Reprompt("silence"),
    je.TurnEnd("first", 1, 55.5, "time"), je.TurnEnd("second", 0, 4.0, "skip", spoke=False),
    je.TimerStart(6), je.TimerEnd(30.0), je.TimerEnd(2.5, ended_by="stop"), je.Skip(3), je.AskStart(4),
    je.Answer(False), je.SessionEnd("stopped"),
]


def test_the_samples_cover_every_kind():
    assert {type(e) for e in EXPECTED} == set(je.KINDS.values())


def test_encode_then_decode_gives_the_same_event_and_the_same_json():
    for event, (kind, data) in zip(EXPECTED, OLD_ROWS):
        assert je.encode(event) == (kind, data)
        assert je.decode(*je.encode(event)) == event


@pytest.mark.parametrize("kind, data, version, reason", [
    ("hug", {}, 1, "no event is of kind 'hug'"),
    ("turn_end", {"who": "first", "seconds": 3.0, "ended_by": "done"}, 1, "it lacks 'partner'"),
    ("turn_end", {"who": "first", "partner": 0, "seconds": "long", "ended_by": "done"}, 1, "'seconds' is 'long'"),
    ("timer_start", {"seconds": True}, 1, "'seconds' is True"),
    ("answer", {"yes": 1}, 1, "'yes' is 1"),
    ("skip", {"index": 2, "why": "bored"}, 1, "'why' is not a detail of a skip event"),
    ("skip", ["index", 2], 1, "not a JSON object"),
    ("skip", {"index": 2}, 0, "0 is not an event version"),
])
def test_a_row_that_is_no_known_event_is_a_one_line_journal_error(kind, data, version, reason):
    with pytest.raises(EventError) as caught:
        je.decode(kind, data, version)
    assert isinstance(caught.value, JournalError) and reason in caught.value.reason and not caught.value.newer
    assert "\n" not in str(caught.value) and "rituals journal restore" in str(caught.value)


def test_an_event_from_a_newer_version_says_to_upgrade():
    with pytest.raises(EventError, match="newer spoken-rituals.*upgrade") as caught:
        je.decode("skip", {"index": 2}, je.EVENT_VERSION + 1)
    assert caught.value.newer
