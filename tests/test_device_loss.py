"""Audio that comes back: the live loop on a private virtual sound card whose speaker and microphone
are unplugged mid-session (the null sink unloaded) and plugged back. The session is journaled
``interrupted``, nothing is said into the void, and the device listens again without a restart."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from sound_card import plug_back, private_sound_card, request_heard, sessions, unplug, wait_for
from speech import say, write


def history(data: Path) -> list[tuple[str, str]]:
    return [(s["ritual"], s["status"]) for s in sessions(data)]


def test_a_device_unplugged_mid_session_interrupts_it_and_the_next_request_is_heard_once_it_is_back(tmp_path):
    data = tmp_path / "data"
    check_in = write(tmp_path / "check-in.wav", say("let's check in"))
    kiss = write(tmp_path / "kiss.wav", say("let's do the six second kiss"))
    with private_sound_card(tmp_path / "card") as env:
        proc = subprocess.Popen([sys.executable, "-m", "voice", "--data-dir", str(data), "listen", "--engine",
                                 "pocketsphinx"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(4)                          # models loaded; the request is tried again while it starts
            assert request_heard(env, data, check_in, 0) is not None
            assert history(data) == [("bedtime_check_in", "open")]
            unplug(env)
            assert wait_for(lambda: history(data) == [("bedtime_check_in", "interrupted")], 15)
            time.sleep(20)                         # gone for a while (a speaker taken to another room)
            plug_back(env)
            time.sleep(5)                          # listening again within seconds of its return
            assert request_heard(env, data, kiss, 1, tries=1) is not None
            wait_for(lambda: ("six_second_kiss", "completed") in history(data), 30)
        finally:
            proc.terminate()
            out, err = proc.communicate(timeout=20)
        assert history(data) == [("bedtime_check_in", "interrupted"), ("six_second_kiss", "completed")], out + err
        assert "Traceback" not in err
        said = [line for line in err.splitlines() if line.startswith("rituals:")]
        assert len(said) == 1 and "when it is back" in said[0], err   # said once, then it waits in silence
