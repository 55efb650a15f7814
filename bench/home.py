"""The device as a home appliance, measured offline: ``python bench/home.py [--hours 24] [--trials 10]``.

1. Idle: the real render loop (``RenderRoom``, the runner, the inviting skill, the journal, the
   recogniser ``auto`` picks) over hours of steady room noise on virtual time, as fast as the
   machine goes. Reported: CPU seconds per simulated hour and the resident memory at the start and
   at the end of each hour (it must not grow).
2. Invitation timing: renders started with ``--start-at`` a random (seeded) few seconds to minutes
   before an invitation at 22:00, over room noise; the error is when the offer's chime starts in the
   output against 22:00:00 on the render's wall clock.

Writes its section into RELIABILITY.md (between the ``home`` markers) and prints it.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, time as clock_time, timedelta, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from voice.cli.app import App  # noqa: E402
from voice.audio import RATE  # noqa: E402
from voice.cli.wiring import make_voice  # noqa: E402
from voice.core.events import Chime  # noqa: E402
from voice.home.invitation_store import InvitationStore  # noqa: E402
from voice.device.listen import Listener  # noqa: E402
from voice.device.render import RenderRoom  # noqa: E402
from voice.speech.engines import make_recognizer  # noqa: E402
from voice.device.virtual import VirtualClock  # noqa: E402
from voice.home.wallclock import WallClock  # noqa: E402

CHUNK = 480
MARK_START, MARK_END = "<!-- home: bench/home.py -->", "<!-- /home -->"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def room_noise(seconds: float, level_db: float, seed: int, on_hour=None) -> Iterator[np.ndarray]:
    """Steady pink-ish noise at ``level_db`` dBFS, from a one-minute loop (so generating it costs
    next to nothing of what is measured); ``on_hour(hour)`` is called at each simulated hour."""
    rng = np.random.default_rng(seed)
    white = rng.standard_normal(RATE * 60)
    pink = np.convolve(white, np.ones(8) / 8, mode="same")        # a gentle low-pass: rooms hum, not hiss
    pink *= 10 ** (level_db / 20) * 32768 / np.sqrt(np.mean(pink ** 2))
    loop = np.clip(pink, -32768, 32767).astype(np.int16)
    total = int(seconds * RATE)
    per_hour = RATE * 3600
    for start in range(0, total, CHUNK):
        if on_hour is not None and start % per_hour == 0:
            on_hour(start // per_hour)
        at = start % len(loop)
        chunk = loop[at:at + CHUNK]
        yield chunk if len(chunk) == CHUNK else np.concatenate([chunk, loop[:CHUNK - len(chunk)]])


def device(data: Path, engine: str) -> tuple[App, object, str]:
    app = App(None, data)
    recognizer, note = make_recognizer(engine, app.catalogue, None, app.config_model, app.data_dir)
    return app, recognizer, note


def idle(hours: float, engine: str, level_db: float) -> tuple[list[tuple[int, float, float, float]], str, float]:
    """Per simulated hour: (hour, CPU s, RSS MB at its start, RSS MB at its end); the engine; wall s."""
    with tempfile.TemporaryDirectory() as tmp:
        app, recognizer, note = device(Path(tmp), engine)
        marks: list[tuple[float, float]] = []
        chunks = room_noise(hours * 3600, level_db, 1, lambda hour: marks.append((time.process_time(), rss_mb())))
        clock = VirtualClock(0.0)
        room = RenderRoom(chunks, Listener(recognizer), make_voice(app), clock, limit_seconds=hours * 3600 + 3600)
        start = time.perf_counter()
        app.runner(room, room, clock, wall=WallClock(0.0, datetime(2026, 12, 1, 12, 0).astimezone())).run()
        wall = time.perf_counter() - start
        marks.append((time.process_time(), rss_mb()))
        heard = len(app.journal.sessions())
        app.close()
    # CPU per simulated hour: the last, partial hour scaled to a whole one
    spans = [min(3600.0, hours * 3600 - 3600 * h) for h in range(len(marks) - 1)]
    rows = [(h, (marks[h + 1][0] - marks[h][0]) * 3600 / spans[h], marks[h][1], marks[h + 1][1])
            for h in range(len(marks) - 1)]
    return rows, f"{note} (sessions started by the noise: {heard})", wall


def timing(trials: int, engine: str, level_db: float, seed: int = 7) -> list[float]:
    """Chime start minus 22:00:00, in ms, for renders started a random time before it."""
    rng = random.Random(seed)
    errors = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(trials):
            app, recognizer, _ = device(Path(tmp) / str(n), engine)
            InvitationStore(app.journal).add("bedtime_check_in", clock_time(22, 0), None, datetime.now(timezone.utc))
            ahead = rng.uniform(2.0, 600.0)                     # seconds before 22:00 the recording starts
            origin = datetime(2026, 12, 1, 22, 0).astimezone() - timedelta(seconds=ahead)
            clock = VirtualClock(0.0)
            room = RenderRoom(room_noise(ahead + 30.0, level_db, n), Listener(recognizer), make_voice(app), clock)
            app.runner(room, room, clock, wall=WallClock(0.0, origin)).run()
            [chime_at] = [start for start, _, action in room.placed if isinstance(action, Chime)]
            errors.append((chime_at - ahead) * 1000)
            app.close()
    return errors


def section(hours: float, rows, note: str, wall: float, errors: list[float], level_db: float) -> str:
    cpu = [r[1] for r in rows]
    lines = [MARK_START, "## At home: idle for hours, invitations on time (bench/home.py)", "",
             f"Render mode on virtual time over steady room noise at {level_db:g} dBFS, the real loop "
             f"(listener, runner, inviting skill, journal); recogniser: {note}. "
             f"{hours:g} simulated hours took {wall:.0f} s of wall time on this machine.", "",
             "| simulated hour | CPU s per simulated hour | RSS at start, MB | RSS at end, MB |", "|---|---|---|---|"]
    lines += [f"| {h + 1} | {c:.1f} | {a:.1f} | {b:.1f} |" for h, c, a, b in rows]
    growth = rows[-1][3] - rows[0][2] if rows else float("nan")
    lines += ["", f"CPU per simulated hour: mean {np.mean(cpu):.1f} s, max {max(cpu):.1f} s "
              f"({np.mean(cpu) / 36:.2f} % of one core if the hour were real). RSS from the start of hour 1 to the "
              f"end of hour {len(rows)}: {growth:+.1f} MB.", ""]
    if hours < 24:
        lines += [f"Only {hours:g} h were simulated here, not 24 h; a day at this rate would be "
                  f"{np.mean(cpu) * 24:.0f} CPU s (extrapolated, not measured).", ""]
    if errors:
        lines += [f"Invitation timing, {len(errors)} renders started 2 s to 10 min before a 22:00 invitation: "
                  f"the chime started {min(errors):+.3f} to {max(errors):+.3f} ms from 22:00:00 "
                  f"(largest error {max(abs(e) for e in errors):.3f} ms). The render wakes the skill at its "
                  "deadline on the sample clock, between input chunks, so the offer is placed at the set "
                  "time itself; live, the same deadline waits on the monotonic clock.", ""]
    lines.append(MARK_END)
    return "\n".join(lines)


def write_section(text: str, path: Path = ROOT / "RELIABILITY.md") -> None:
    old = path.read_text(encoding="utf-8")
    if MARK_START in old and MARK_END in old:
        before, rest = old.split(MARK_START, 1)
        new = before + text + rest.split(MARK_END, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(new, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--engine", default="auto")
    parser.add_argument("--noise-db", type=float, default=-50.0)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rows, note, wall = idle(args.hours, args.engine, args.noise_db)
    errors = timing(args.trials, args.engine, args.noise_db) if args.trials else []
    text = section(args.hours, rows, note, wall, errors, args.noise_db)
    print(text)
    if not args.no_write:
        write_section(text)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(peak RSS of the bench process: {peak:.0f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
