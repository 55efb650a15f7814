"""The live room's pieces that need no sound card: the barge-in policy, the reconnect policy, and the
echo canceller warmed up by the warm-up sound before the first prompt (in the simulated room)."""

from __future__ import annotations

import numpy as np

from voice.audio import RATE
from voice.audio.bargein import BargeIn, BargeInPolicy
from voice.audio.echo_stage import WARM_UP_DBFS, warm_up_sound
from voice.audio.endpoint import level_db
from voice.audio.room import RoomMicrophone
from voice.audio.room_settings import RoomSettings
from voice.device.reconnect import Reconnect, ReconnectPolicy

from speech import say

PROMPT = "Let's check in. First, how was your day, in one word? Take a moment, then tell each other."


def test_the_device_holds_at_once_over_speech_and_goes_on_when_it_ends():
    policy = BargeIn(BargeInPolicy(hold_after=0.2))
    assert [policy.step(t, s, False) for t, s in ((0.0, None), (1.0, 0.1), (1.1, 0.2), (1.5, 0.6))] == \
        [False, False, True, True]
    assert policy.step(1.6, None, True) is False           # they finished (with words): it goes on...
    assert policy.step(1.7, 0.2, False) is True            # ...and holds again for the next words at once


def test_after_holding_for_its_own_echo_it_does_not_hold_again_for_the_set_pause():
    policy = BargeIn(BargeInPolicy(hold_after=0.0, false_hold_pause=3.0))
    assert policy.step(10.0, 0.0, False) is True
    assert policy.step(10.5, None, False) is False          # no words came: it was its own echo
    assert policy.step(11.0, 0.1, False) is False           # so no stuttering on it for 3 s
    assert policy.step(13.6, 0.1, False) is True


def test_the_warm_up_is_soft_noise_that_ends_in_silence():
    sound = warm_up_sound()
    noise, tail = sound[:int(2.0 * RATE)], sound[int(2.0 * RATE):]
    assert abs(level_db(noise[int(0.2 * RATE):-int(0.2 * RATE)]) - WARM_UP_DBFS) < 1.0
    assert len(tail) > 0 and not tail.any()
    assert np.array_equal(sound, warm_up_sound())          # the same sound every time


def _echo_removed_db(settings: RoomSettings, seconds: float) -> float:
    """How much of the device's echo the canceller removes over the first ``seconds`` of its first prompt."""
    prompt = say(PROMPT, "slt")[:int(seconds * RATE)]
    room = RoomMicrophone(settings)
    echo = RoomMicrophone(settings).echo                    # the same room's echo alone, for reference
    removed, heard = [], []
    for i in range(0, len(prompt), 480):
        played = prompt[i:i + 480]
        out, _ = room.hear(np.zeros(len(played)), played)
        removed.append(out)
        heard.append(echo.hear(played))
    return level_db(np.concatenate(heard)) - level_db(np.concatenate(removed))


def test_the_canceller_removes_the_echo_from_the_first_second_of_the_first_prompt():
    for seed in (3, 7):
        warm = _echo_removed_db(RoomSettings(seed=seed, warm_up=True), 1.0)
        cold = _echo_removed_db(RoomSettings(seed=seed, warm_up=False), 1.0)
        assert warm >= 12.0 and warm >= cold + 6.0, (seed, warm, cold)


def test_a_missing_device_is_looked_for_every_poll_and_a_failing_one_with_growing_pauses():
    policy = ReconnectPolicy(poll=1.0, quick_failure=5.0, first_pause=1.0, max_pause=4.0)
    reconnect = Reconnect(policy)
    assert reconnect.pause(True, 600.0) == 1.0                 # lost mid-session after a long run
    assert [reconnect.pause(False, 0.1) for _ in range(5)] == [1.0] * 5   # missing: looked for every second
    assert [reconnect.pause(True, 0.5) for _ in range(4)] == [2.0, 4.0, 4.0, 4.0]  # opens, fails at once
    assert reconnect.pause(True, 30.0) == 1.0                  # ran a while: it works again
