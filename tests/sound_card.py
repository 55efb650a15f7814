"""The tests' (and benches') private virtual sound card: a PulseAudio daemon of our own with a null
sink (``script/virtual-audio``) whose monitor is the microphone, so it hears everything played, like
a room; and unplugging it (the sink and its monitor gone) and plugging it back."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SINK = "module-null-sink"


@contextlib.contextmanager
def private_sound_card(base: Path) -> Iterator[dict[str, str]]:
    """A PulseAudio daemon of our own (in ``base``, so never someone else's), stopped afterwards:
    the tests leave the machine as they found it."""
    paths = {"VAUDIO_DIR": str(base / "run"), "VAUDIO_STATE": str(base / "state")}
    env = {**os.environ, **paths, "XDG_RUNTIME_DIR": paths["VAUDIO_DIR"]}
    subprocess.run([str(ROOT / "script" / "virtual-audio")], env=env, capture_output=True, text=True, check=True)
    try:
        yield env
    finally:
        subprocess.run(["pulseaudio", "--kill"], env=env, capture_output=True)
        for _ in range(50):                        # --kill only asks; wait until it is gone
            if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode != 0:
                break
            time.sleep(0.1)


def unplug(env: dict[str, str]) -> None:
    """The speaker and the microphone go away together (the null sink and its monitor)."""
    subprocess.run(["pactl", "unload-module", SINK], env=env, capture_output=True, check=True)


def plug_back(env: dict[str, str]) -> None:
    """They come back, as the defaults again (``script/virtual-audio`` loads the sink when it is missing)."""
    subprocess.run(["pactl", "load-module", SINK, "sink_name=vsink", "rate=16000", "channels=1"], env=env,
                   capture_output=True, text=True, check=True)
    subprocess.run([str(ROOT / "script" / "virtual-audio")], env=env, capture_output=True, text=True, check=True)


def wait_for(condition: Callable[[], bool], seconds: float, every: float = 0.25) -> bool:
    """Whether ``condition`` came true within ``seconds`` (the live loop runs on the real clock)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


def sessions(data: Path) -> list[dict]:
    """The journal's sessions in ``data``, oldest first (``rituals history --json``)."""
    out = subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(data), "history", "--json"],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    return sorted(json.loads(out), key=lambda s: s["id"])


def request_heard(env: dict[str, str], data: Path, wav: Path, before: int, tries: int = 3) -> float | None:
    """Plays the request ``wav`` into the room until a session beyond the first ``before`` opens (a
    device still starting does not hear it; a request can also be misheard); the seconds that took, or None after ``tries`` tries 6 s apart."""
    began = time.monotonic()
    for _ in range(tries):
        subprocess.run(["paplay", "--device=vsink", str(wav)], env=env, check=True)
        if wait_for(lambda: len(sessions(data)) > before, 6.0):
            return time.monotonic() - began
    return None
