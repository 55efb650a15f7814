"""``rituals listen`` at home: the live room on the machine's microphone and speaker, kept going while
devices come and go (a device that went away is said once, then waited for)."""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

from voice.cli.app import App
from voice.cli.wiring import Listening, make_voice, trace
from voice.device.live import LiveRoom, check_devices
from voice.device.reconnect import Reconnect
from voice.device.textio import MonotonicClock
from voice.errors import AudioError
from voice.speech.engines import make_recognizer


def run_live(app: App, engine: str, model: Path | None, device: str | None, max_restarts: int | None = None,
             listening: Listening = Listening(), warm_up: bool = True) -> int:
    check_devices()
    recognizer, note = make_recognizer(engine, app.catalogue, model, app.config_model, app.data_dir, app.language)
    voice = make_voice(app)
    # The language's own "you can say ..." line: an English hint here would be wrong in Korean.
    print(f"{note} {app.library.system.get('help_idle')} Ctrl-C to quit.", file=sys.stderr)
    journal = app.journal
    journal.recover_interrupted()
    reconnect = Reconnect()
    lost = False         # a device went away: said once, then it is waited for without a word
    for attempt in itertools.count():
        clock = MonotonicClock()
        room = None
        started = time.monotonic()
        try:
            listener = listening.listener(recognizer, app.language.numbers)
            room = LiveRoom(listener, voice, int(device) if device and device.isdigit() else device,
                            warm_up=warm_up)
            app.runner(room, room, clock, trace(sys.stdout, started)).run()
            return 0
        except AudioError as exc:
            if attempt == 0 and time.monotonic() - started < 1.0 and room is None:
                raise  # the devices never opened: say so and stop, there is nothing to retry
            if max_restarts is not None and attempt >= max_restarts:
                raise
            heard = room is not None and room.heard_audio
            pause = reconnect.pause(heard, time.monotonic() - started)
            if heard or not lost:      # a device still missing is not news
                again = ("Listening again when it is back." if pause <= reconnect.policy.first_pause
                         else f"Trying again in {pause:.0f} s.")
                print(f"rituals: {exc} {again}", file=sys.stderr, flush=True)
            lost = True
            time.sleep(pause)
        finally:
            if room is not None:
                room.close()
    return 0
