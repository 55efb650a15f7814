"""The double-talk rule (``EndpointSettings.double_talk_db``): over the device's first words, with the
echo canceller still cold, its residue starts no utterance, and a "stop" said over them starts its
own. Real Speex canceller, the simulated room at the virtual sound card's level (the echo as loud as
what is played), flite voices."""

from __future__ import annotations

import numpy as np
import pytest

from voice.audio import FRAME, RATE
from voice.audio.endpoint import Endpointer, EndpointSettings, Far, SpeechEnded, SpeechStarted
from voice.audio.measure import sound_spans
from voice.audio.room import RoomMicrophone
from voice.audio.room_settings import RoomSettings

from speech import say, silence

PROMPT = "Let's check in. Partner one, you'll go first. Take a breath, and tell each other how the day was."


def utterances(settings: EndpointSettings, at: float, seed: int) -> tuple[list[tuple[float, float]], float, float]:
    """The utterances the endpointer cuts from the room's microphone while the device says PROMPT and
    someone says "stop" ``at`` seconds in; and where the word is."""
    prompt = np.concatenate([silence(0.5), say(PROMPT, "rms"), silence(1.0)])
    stop = say("stop", "slt")
    speech = np.zeros(len(prompt))
    speech[int(at * RATE):int(at * RATE) + len(stop)] = stop
    room = RoomMicrophone(RoomSettings(delay_ms=0, gain_db=0, rt60=0.05, warm_up=False, seed=seed))
    endpointer, found, start = Endpointer(settings), [], None
    try:
        for k in range(0, len(prompt) - FRAME + 1, FRAME):
            clean, far = room.hear(speech[k:k + FRAME], prompt[k:k + FRAME])
            for event in endpointer.feed(clean, (k + FRAME) / RATE, far):
                if isinstance(event, SpeechStarted):
                    start = event.at
                elif isinstance(event, SpeechEnded):
                    found.append((start, event.at))
    finally:
        room.close()
    spans = sound_spans(stop)
    return found, at + spans[0][0], at + spans[-1][1]


@pytest.mark.parametrize("at, seed", [(1.0, 0), (2.0, 1), (3.0, 2)])
def test_a_stop_over_the_first_words_is_an_utterance_of_its_own_and_the_echo_starts_none(at, seed):
    found, begins, ends = utterances(EndpointSettings(), at, seed)
    assert len(found) == 1, found
    (start, end), = found
    assert begins - 0.3 <= start <= ends and end <= ends + 1.0   # the pre-roll (0.3 s) keeps its start


def test_without_the_rule_the_cold_cancellers_residue_starts_an_utterance_before_the_stop():
    found, begins, _ = utterances(EndpointSettings(double_talk_db=None), 2.0, 1)
    assert any(start < begins - 0.3 and end > begins for start, end in found), found


def test_the_rule_holds_only_while_the_device_plays():
    """A device that plays silence: whatever the canceller took off, speech is speech."""
    speech = np.concatenate([silence(1.0), say("stop", "slt"), silence(1.0)])
    louder = (speech.astype(np.int32) * 4).clip(-32768, 32767).astype(np.int16)   # 12 dB "taken off"
    endpointer = Endpointer()
    events = []
    for k in range(0, len(speech) - FRAME + 1, FRAME):
        events += endpointer.feed(speech[k:k + FRAME], (k + FRAME) / RATE, Far(-90.0, louder[k:k + FRAME]))
    assert sum(isinstance(e, SpeechStarted) for e in events) == 1
