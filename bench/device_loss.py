"""Audio that comes back, measured: ``python bench/device_loss.py [--cycles 20] [--gone 3]``.

One live ``rituals listen`` on a private virtual sound card (tests/sound_card.py: a PulseAudio daemon
of its own, a null sink whose monitor is the microphone). Each cycle a test voice asks for the
bedtime check-in; once the session is open the sink is unloaded (speaker and microphone gone
together, mid-session) for ``--gone`` seconds and loaded again. The cycle's device has *recovered*
when the next request, played from ``--settle`` s after plugging back (the loop looks for its
devices every second), opens a new session in the same process; up to three tries 6 s apart, as a
request can also be misheard. Reported: sessions lost (missing from the journal or left open), each
session's status (the unplugged ones must be ``interrupted``; the last is stopped by the bench at
its end), recoveries, the time from plugging back to the request heard, the seconds from unplugging to the session
journaled ``interrupted``, and what the skill printed. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from sound_card import plug_back, private_sound_card, request_heard, sessions, unplug, wait_for  # noqa: E402
from speech import say, write  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--gone", type=float, default=3.0, help="seconds the devices stay unplugged")
    parser.add_argument("--settle", type=float, default=4.0, help="seconds after plugging back before the request")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = work / "data"
        wav = write(work / "check-in.wav", say("let's check in"))
        with private_sound_card(work / "card") as env:
            proc = subprocess.Popen([sys.executable, "-m", "voice", "--data-dir", str(data), "listen", "--engine",
                                     "pocketsphinx"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, cwd=ROOT)
            recoveries, to_interrupted, failures = [], [], 0
            try:
                time.sleep(10)                     # models loaded, devices open, the canceller warmed up
                if request_heard(env, data, wav, 0) is None:
                    raise SystemExit("the first request was never heard: nothing to unplug")
                for cycle in range(args.cycles):
                    count = len(sessions(data))
                    unplugged = time.monotonic()
                    unplug(env)
                    if wait_for(lambda: sessions(data)[-1]["status"] == "interrupted", 15.0):
                        to_interrupted.append(time.monotonic() - unplugged)
                    time.sleep(max(0.0, args.gone - (time.monotonic() - unplugged)))
                    plug_back(env)
                    replugged = time.monotonic()
                    time.sleep(args.settle)
                    heard = request_heard(env, data, wav, count)
                    if heard is None:
                        failures += 1
                        print(f"cycle {cycle + 1}: not heard after the devices came back", file=sys.stderr)
                        break                      # later cycles would measure nothing
                    recoveries.append(time.monotonic() - replugged)
            finally:
                proc.terminate()
                out, err = proc.communicate(timeout=30)
        journal = sessions(data)
    opened = len(recoveries) + 1
    lost = opened - len(journal) + sum(1 for s in journal if s["status"] == "open")
    statuses = {status: sum(1 for s in journal if s["status"] == status) for status in {s["status"] for s in journal}}
    said = [line for line in err.splitlines() if line.startswith("rituals:")]
    print("| cycles | gone | sessions lost | statuses | recoveries | plugged back to heard p50 / max | unplugged to "
          "journaled interrupted p50 / max | lines printed | tracebacks |")
    print("|---|---|---|---|---|---|---|---|---|")
    ended = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
    print(f"| {args.cycles} | {args.gone:g} s | {lost} | {ended} | {len(recoveries)} of {args.cycles} | "
          f"{np.median(recoveries):.1f} / {max(recoveries):.1f} s | "
          f"{np.median(to_interrupted):.1f} / {max(to_interrupted):.1f} s | {len(said)} | "
          f"{err.count('Traceback')} |")
    for line in sorted(set(said)):
        print(f"\n    {line}")
    return 0 if failures == 0 and lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
