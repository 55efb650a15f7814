"""The live room's echo path on a sound card, for ``test_echo_in_step.py`` (a subprocess, because
PortAudio must start with the private card's environment): a prompt through the ``Player`` into the
``ReferenceTap``, the ``MicrophoneSource`` pairing each chunk with what was played, the reader busy
for ``--stall`` seconds once, as when the recognisers work, and the ``EchoStage`` over the pairs.
Prints, as JSON, the echo removed in each second the device played (dB)."""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from speech import say  # noqa: E402
from voice.audio import RATE  # noqa: E402
from voice.audio.echo import ReferenceTap  # noqa: E402
from voice.audio.echo_stage import EchoStage  # noqa: E402
from voice.audio.endpoint import level_db  # noqa: E402
from voice.audio.player import Player  # noqa: E402
from voice.audio.sources import MicrophoneSource  # noqa: E402

LINE = "Let's check in. Take a breath together, and when you are ready, tell each other one thing about today."


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stall", type=float, default=0.4, help="seconds the reader is busy, once")
    parser.add_argument("--stall-at", type=float, default=3.0, help="seconds into the prompt")
    args = parser.parse_args()
    prompt = np.concatenate([say(LINE), say(LINE)])
    tap, finished = ReferenceTap(), threading.Event()
    player = Player(lambda _item, _now: finished.set(), lambda _item, _now: None, time.monotonic, None, tap.push)
    mic, played = [], []
    try:
        pairs = MicrophoneSource(reference=tap.take).pairs()
        for _ in range(10):                          # the microphone is open before the device speaks
            next(pairs)
        player.play(1, prompt)
        began, stalled = time.monotonic(), False
        for chunk, reference in pairs:
            mic.append(chunk)
            played.append(reference)
            if not stalled and time.monotonic() - began > args.stall_at:
                time.sleep(args.stall)               # the recognisers at work on this thread
                stalled = True
            if finished.is_set() and sum(map(len, mic)) > len(prompt) + RATE:
                break
    finally:
        player.close()
    heard = np.concatenate(mic)
    reference = np.concatenate(played)
    stage = EchoStage()
    cleaned, _ = stage.hear(heard, reference)
    seconds = [slice(start, start + RATE) for start in range(0, len(heard) - RATE + 1, RATE)]
    removed = [round(level_db(heard[s]) - level_db(cleaned[s]), 1) for s in seconds
               if level_db(reference[s]) > -50.0]            # seconds in which the device played
    print(json.dumps({"removed_db": removed}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
