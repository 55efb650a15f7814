"""Stop over the first prompt, live on the virtual sound card: ``python bench/stop_live.py [--sessions 10]``.

The simulated room's figures (bench/stop.py) checked on the real path once: PortAudio, PulseAudio,
the player's reference, the warm-up and the canceller, on a private virtual sound card (a null sink
whose monitor is the microphone: the device hears itself at full level, a hard room). Each session
is a fresh ``rituals listen`` (so its canceller has only had its warm-up): a test voice asks for
the check-in, and says "stop" at a seeded random moment 0.3-4 s after the device's first line was
printed, inside its first prompt. *Heard*: the session is journaled ``stopped``. *Reaction*: from
the end of the word (when paplay started plus where the word ends in its clip) to the moment the
skill printed that it heard the stop and cut its sound (its output then falls silent within one
30 ms block plus the stream's 50 ms latency, not included; the sink's own delay, about 60 ms, is
not known exactly, so the figure is good to some tens of ms). Then sessions in which nobody speaks
for ``--quiet-seconds`` after the request: any command heard is the device's own voice. With
``--design NAME=CHECKOUT[,OPTION...]`` another design runs too, session by session beside this one: an
earlier checkout's skill, or this one's (``.``) with other options (``cold start=.,--no-warm-up``).
"""

from __future__ import annotations

import argparse
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from sound_card import private_sound_card, request_heard, sessions, wait_for  # noqa: E402
from speech import say, write  # noqa: E402
from voice.audio.measure import sound_spans  # noqa: E402


class Skill:
    """One live ``rituals listen``, its printed lines timestamped as they arrive."""

    def __init__(self, env: dict[str, str], data: Path, engine: str, root: Path = ROOT,
                 options: tuple[str, ...] = ()) -> None:
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self.seen: list[tuple[float, str]] = []
        self.proc = subprocess.Popen([sys.executable, "-u", "-m", "voice", "--data-dir", str(data), "listen",
                                      "--engine", engine, *options], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, cwd=root)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put((time.monotonic(), line.rstrip("\n")))

    def next_line(self, contains: str, seconds: float) -> float | None:
        """When the next printed line containing ``contains`` arrived (within ``seconds``)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                at, line = self.lines.get(timeout=left)
            except queue.Empty:
                return None
            self.seen.append((at, line))
            if contains in line:
                return at
        return None

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def session(env: dict[str, str], work: Path, i: int, quiet: bool, moment: float, args: argparse.Namespace,
            root: Path, options: tuple[str, ...] = ()) -> dict:
    """One live session of the design at ``root`` (with ``options`` to ``rituals listen``): what
    happened to the request, the stop, the quiet."""
    voice = ("slt", "rms", "awb")[i % 3]
    request = write(work / f"request-{voice}.wav", say("let's check in", voice))
    stop_clip = say("stop", voice)
    stop = write(work / f"stop-{voice}.wav", stop_clip)
    data = work / f"data-{abs(hash((root, options)))}-{i}"
    skill = Skill(env, data, args.engine, root, options)
    try:
        time.sleep(4)
        if request_heard(env, data, request, 0) is None:
            return {"missed": True}
        first = skill.next_line("device:", 10.0)
        if first is None:
            return {"missed": True}
        if quiet:                                        # nobody speaks: what does it hear?
            skill.next_line("\0", args.quiet_seconds)
            selves = [line for _, line in skill.seen if "heard:" in line and "-> nothing" not in line
                      and "start_ritual" not in line]
            for line in selves:  # shown, so that a self-trigger can be looked into
                print(f"self-trigger (session {i}, {root}, {' '.join(options) or 'no options'}): {line}", file=sys.stderr)
            return {"selves": len(selves)}
        time.sleep(max(0.0, first + moment - time.monotonic()))
        started = time.monotonic()
        subprocess.run(["paplay", "--device=vsink", str(stop)], env=env, check=True)
        end = started + sound_spans(stop_clip)[-1][1]
        cut = skill.next_line("-> stop", 8.0)
        if wait_for(lambda: sessions(data)[-1]["status"] == "stopped", 5.0):
            return {"heard": True, "reaction": None if cut is None else cut - end}
        # what it heard from the stop on instead, so that a miss can be looked into
        return {"heard": False, "instead": [(round(at - started, 2), line) for at, line in skill.seen
                                            if at >= started - 1.0 and "heard:" in line]}
    finally:
        skill.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--quiet", type=int, default=3, help="sessions with nobody speaking after the request")
    parser.add_argument("--quiet-seconds", type=float, default=60.0)
    parser.add_argument("--engine", default="fused")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--design", action="append", default=[], metavar="NAME=CHECKOUT[,OPTION...]",
                        help="also run the skill of another checkout (an earlier design; '.' for this one), "
                             "with these options to 'rituals listen', session by session beside this one, "
                             "on the same moments")
    args = parser.parse_args()
    designs = [("this checkout", ROOT, ())]
    for spec in args.design:
        name, _, rest = spec.partition("=")
        checkout, *options = rest.split(",")
        designs.append((name, (ROOT / checkout).resolve(), tuple(options)))
    rng = np.random.default_rng(args.seed)
    results: dict[str, list[dict]] = {name: [] for name, _, _ in designs}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with private_sound_card(work / "card") as env:
            for i in range(args.sessions + args.quiet):
                moment = float(rng.uniform(0.3, 4.0))
                for name, root, options in designs:      # interleaved: the machine's load is shared alike
                    results[name].append(session(env, work, i, i >= args.sessions, moment, args, root, options))
                    print(f"# {name} session {i}: {results[name][-1]}", flush=True)
    print(f"| engine, design | stop said inside the first prompt | heard | reaction p50 | reaction p95 | "
          f"sessions, nobody speaking for {args.quiet_seconds:g} s | self-triggers | requests never heard |")
    print("|---|---|---|---|---|---|---|---|")
    for name, _, _ in designs:
        rows = results[name]
        reactions = [r["reaction"] for r in rows if r.get("reaction") is not None]
        heard = sum(1 for r in rows if r.get("heard"))
        p50, p95 = (f"{np.percentile(reactions, q) * 1000:.0f} ms" if reactions else "-" for q in (50, 95))
        print(f"| {args.engine}, {name} | {args.sessions} sessions | {heard} of {args.sessions} | {p50} | {p95} | "
              f"{args.quiet} | {sum(r.get('selves', 0) for r in rows)} | {sum(1 for r in rows if r.get('missed'))} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
