"""The live room's echo reference stays in step with the microphone on a real (virtual) sound card,
even when the listener is busy: the recognisers run on the microphone's reader thread, and a
reference paired with the microphone when read ran ahead by every such stall (BENCHMARKS.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sound_card import private_sound_card

PROBE = Path(__file__).with_name("echo_probe.py")


def removed_db(env: dict[str, str], stall: float) -> list[float]:
    out = subprocess.run([sys.executable, str(PROBE), "--stall", str(stall)], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])["removed_db"]


def test_the_devices_echo_is_still_removed_after_the_listener_was_busy_for_half_a_second(tmp_path):
    with private_sound_card(tmp_path / "card") as env:
        removed = removed_db(env, stall=0.5)
    assert len(removed) >= 10, removed            # the prompt (two long lines) was played and heard
    # From the second second on, a canceller whose reference is in step removes well over 15 dB of
    # the virtual card's echo in every second (measured 19-33 dB); one whose reference jumped by the
    # stall removed 0.3-3 dB in the seconds after it.
    assert min(removed[1:]) >= 12.0, removed
