"""Reliability figures: kills during sessions, damaged journals, fuzzed data, audio and import files.

    .venv/bin/python bench/reliability.py [--kills 200] [--fuzz 300] [--out RELIABILITY.md]

Every trial runs the real ``rituals`` command (a subprocess for kills, ``voice.cli.main`` in-process
for the fuzzers, which is the same code without the interpreter's start-up). A *crash* is a bug: an
exception escaping ``main``, the bug exit status (70, the one-line "something went wrong") or a
traceback on stderr. Fuzzing is seeded, so a
crash found here can be replayed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from mutations import mutate_bytes, mutate_text  # noqa: E402
from speech import say, timeline, write  # noqa: E402  (tests/speech.py: flite voices)
from voice.cli.main import main as rituals  # noqa: E402
from voice.errors import BUG_STATUS  # noqa: E402


@dataclass
class Tally:
    """What one fuzzer saw."""

    tried: int = 0
    crashes: int = 0
    clean_refusals: int = 0
    """Exit status 2 with one line on stderr: the user was told what to do."""
    examples: list[str] = field(default_factory=list)
    """The first few crashes (seed and message), to replay."""

    def crash(self, what: str) -> None:
        self.crashes += 1
        if len(self.examples) < 5:
            self.examples.append(what)


def run_cli(argv: list[str], stdin: str = "") -> tuple[int | None, str, str]:
    """``rituals argv`` in-process: (exit status or None if it raised, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status: int | None = rituals(argv)
            except SystemExit as exc:          # argparse
                status = int(exc.code or 0)
            except Exception as exc:           # a bug: counted, never hidden
                return None, out.getvalue(), f"{type(exc).__name__}: {exc}"
    finally:
        sys.stdin = old_stdin
    return status, out.getvalue(), err.getvalue()


def judge(tally: Tally, label: str, argv: list[str], stdin: str = "") -> int | None:
    tally.tried += 1
    status, _, err = run_cli(argv, stdin)
    if status is None or status == BUG_STATUS or "Traceback" in err:
        tally.crash(f"{label}: {err.strip().splitlines()[-1] if err.strip() else 'no message'}")
    elif status == 2:
        tally.clean_refusals += 1
    return status


# ---- the trials -----------------------------------------------------------------------------------

def seeded_data(base: Path) -> tuple[Path, Path]:
    """A data directory holding one completed session, and a long request recording."""
    request = write(base / "request.wav", timeline((0.5, say("let's do the six second kiss")), length=16))
    data = base / "seed"
    status, _, err = run_cli(["--data-dir", str(data), "listen", "--input", str(request), "--output",
                              str(base / "seed.wav"), "--engine", "pocketsphinx"])
    assert status == 0, err
    evening = timeline((0.5, say("let's check in")), (40.0, say("stop")), (45.0, say("let's do the six second kiss")),
                       (70.0, say("let's do the appreciation round")), length=120)
    return data, write(base / "evening.wav", evening)


def kills(base: Path, data: Path, evening: Path, n: int, rng: random.Random) -> dict[str, int]:
    """``kill -9`` at a random moment of a rendered evening; then is everything still there?"""
    before = _sessions(data)
    whole = _render_seconds(base, data, evening)       # kill anywhere from start-up to the last write
    result = {"kills": 0, "sessions_lost": 0, "integrity_failures": 0, "left_open": 0, "crashes_after": 0}
    for i in range(n):
        trial = base / f"kill{i}"
        shutil.copytree(data, trial)
        proc = _render(trial, evening, base / f"kill{i}.wav")
        time.sleep(rng.uniform(0.0, whole))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            result["kills"] += 1
        proc.wait()
        journal = trial / "journal.sqlite3"
        with contextlib.closing(sqlite3.connect(f"file:{journal}?mode=ro", uri=True)) as db:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                result["integrity_failures"] += 1
        status, out, err = run_cli(["--data-dir", str(trial), "history", "--json"])
        if status != 0:
            result["crashes_after"] += 1
            continue
        after = {s["id"]: s for s in json.loads(out)}
        result["sessions_lost"] += sum(1 for sid in before if sid not in after)
        result["left_open"] += sum(1 for s in after.values() if s["status"] == "open")
        shutil.rmtree(trial)
    return result


def _render(data: Path, audio: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "voice", "--data-dir", str(data), "listen", "--input", str(audio),
                             "--output", str(out), "--engine", "pocketsphinx"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)


def _render_seconds(base: Path, data: Path, evening: Path) -> float:
    trial = base / "whole"
    shutil.copytree(data, trial)
    began = time.perf_counter()
    _render(trial, evening, base / "whole.wav").wait()
    shutil.rmtree(trial)
    return time.perf_counter() - began


def _sessions(data: Path) -> list[int]:
    status, out, _ = run_cli(["--data-dir", str(data), "history", "--json"])
    assert status == 0
    return [s["id"] for s in json.loads(out)]


def damaged_journals(base: Path, data: Path, n: int, rng: random.Random) -> dict[str, int]:
    """The journal file garbled, cut short or emptied; then the next command, and ``journal restore``."""
    before = sorted(_sessions(data))
    result = {"tried": 0, "told_in_one_line": 0, "restored_whole": 0, "crashes": 0}
    for i in range(n):
        trial = base / f"damaged{i}"
        shutil.copytree(data, trial)
        journal = trial / "journal.sqlite3"
        for wal in trial.glob("journal.sqlite3-*"):       # the damage is to the file itself
            wal.unlink()
        raw = journal.read_bytes()
        kind = i % 3
        if kind == 0:
            buf = bytearray(raw)
            for _ in range(rng.randrange(8, 64)):
                buf[rng.randrange(len(buf))] = rng.randrange(256)
            journal.write_bytes(bytes(buf))
        elif kind == 1:
            journal.write_bytes(raw[: rng.randrange(len(raw))])
        else:
            journal.write_bytes(b"")
        result["tried"] += 1
        status, _, err = run_cli(["--data-dir", str(trial), "history", "--json"])
        if status is None or status == BUG_STATUS or "Traceback" in err:
            result["crashes"] += 1
            log = trial / "errors.log"
            print(f"damaged journal {i} (kind {kind}): history: {err.strip()}"
                  f"{log.read_text()[-600:] if log.exists() else ''}", file=sys.stderr)
            continue
        result["told_in_one_line"] += bool(err.strip()) and err.count("\n") == 1
        status, _, err = run_cli(["--data-dir", str(trial), "journal", "restore"])
        if status is None or status == BUG_STATUS:
            result["crashes"] += 1
            print(f"damaged journal {i} (kind {kind}): restore: {err.strip()}", file=sys.stderr)
            continue
        status, out, _ = run_cli(["--data-dir", str(trial), "history", "--json"])
        if status == 0 and sorted(s["id"] for s in json.loads(out)) == before:
            result["restored_whole"] += 1
        shutil.rmtree(trial)
    return result


def fuzz_files(base: Path, data: Path, n: int, rng: random.Random) -> dict[str, Tally]:
    """Ritual files, intents and config, each mutated and then used by ordinary commands."""
    tallies = {"ritual files": Tally(), "intents": Tally(), "config": Tally()}
    prompts = base / "prompts"
    shutil.copytree(ROOT / "prompts", prompts, ignore=shutil.ignore_patterns("__pycache__"))
    rituals_dir = prompts / "rituals"
    originals = {p: p.read_text(encoding="utf-8") for p in rituals_dir.glob("*.yaml")}
    config = base / "config.toml"
    config_text = "engine = \"pocketsphinx\"\n[voice]\nrate = 165\nvolume = 0.9\n[couple]\nfirst = \"Sam\"\nsecond = \"Alex\"\n"
    os.environ["RITUALS_PROMPTS_DIR"] = str(prompts)
    try:
        for i in range(n):
            path = rng.choice(sorted(originals))
            path.write_text(mutate_text(originals[path], rng), encoding="utf-8")
            for argv in (["list"], ["understand", "let's check in"], ["stats"]):
                judge(tallies["ritual files"], f"seed {i} {path.name} {argv[0]}", ["--data-dir", str(data), *argv])
            path.write_text(originals[path], encoding="utf-8")
            config.write_text(mutate_text(config_text, rng), encoding="utf-8")
            judge(tallies["config"], f"seed {i} config", ["--data-dir", str(data), "--config", str(config), "list"])
    finally:
        del os.environ["RITUALS_PROMPTS_DIR"]
    # The intents ship with the skill (users do not edit them): fuzzed through their loader directly.
    from voice.library.intents import load_catalogue
    from voice.library.rituals import load_library
    from voice.errors import RitualsError
    from voice.library.language import default_language
    names = load_library().spoken_names()
    original = default_language().intents.read_text(encoding="utf-8")
    mutated = base / "intents.yaml"
    for i in range(max(1, n // 3)):
        mutated.write_text(mutate_text(original, rng), encoding="utf-8")
        tallies["intents"].tried += 1
        try:
            load_catalogue(names, mutated)
        except RitualsError as exc:
            tallies["intents"].clean_refusals += "\n" not in str(exc)
        except Exception as exc:  # a bug: counted
            tallies["intents"].crash(f"seed {i} intents: {type(exc).__name__}: {exc}")
    return tallies


def fuzz_audio(base: Path, data: Path, n: int, rng: random.Random) -> Tally:
    tally = Tally()
    good = (base / "request.wav").read_bytes()
    for i in range(n):
        bad = base / "fuzz.wav"
        bad.write_bytes(mutate_bytes(good, rng))
        judge(tally, f"seed {i} audio", ["--data-dir", str(data), "listen", "--input", str(bad), "--output",
                                         str(base / "fuzz-out.wav"), "--engine", "pocketsphinx"])
    return tally


def fuzz_import(base: Path, data: Path, n: int, rng: random.Random) -> tuple[Tally, int]:
    """Mutated exports imported into a copy of the journal: all of a file or nothing."""
    tally, partial = Tally(), 0
    export = base / "export.json"
    status, _, err = run_cli(["--data-dir", str(data), "export", "--out", str(export)])
    assert status == 0, err
    text = export.read_text(encoding="utf-8")
    for i in range(n):
        trial = base / f"import{i}"
        shutil.copytree(data, trial)
        before = len(_sessions(trial))
        mutated = base / "import.json"
        mutated.write_text(mutate_text(text, rng), encoding="utf-8")
        status = judge(tally, f"seed {i} import", ["--data-dir", str(trial), "import", str(mutated)])
        after = len(_sessions(trial))
        if status != 0 and after != before:
            partial += 1
        shutil.rmtree(trial)
    return tally, partial


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--fuzz", type=int, default=300)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--out", type=Path, default=None, help="also write the tables here")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        data, evening = seeded_data(base)
        rows: list[str] = []
        started = time.perf_counter()
        k = kills(base, data, evening, args.kills, rng)
        rows.append(f"| kill -9 during rendered evenings | {k['kills']} kills | sessions lost {k['sessions_lost']}, "
                    f"integrity failures {k['integrity_failures']}, left open {k['left_open']}, "
                    f"crashes afterwards {k['crashes_after']} |")
        d = damaged_journals(base, data, max(30, args.fuzz // 6), rng)
        rows.append(f"| damaged journal (garbled, cut short, emptied), then history and journal restore | {d['tried']} | "
                    f"crashes {d['crashes']}, told in one line {d['told_in_one_line']}, every session back "
                    f"{d['restored_whole']} |")
        for name, t in fuzz_files(base, data, args.fuzz, rng).items():
            rows.append(_row(f"fuzzed {name}", t))
        rows.append(_row("fuzzed audio files", fuzz_audio(base, data, args.fuzz, rng)))
        t, partial = fuzz_import(base, data, args.fuzz, rng)
        rows.append(_row("fuzzed import files", t, f", partial imports {partial}"))
    table = "\n".join(["| trial | tried | outcome |", "|---|---:|---|", *rows])
    print(table)
    print(f"\n({time.perf_counter() - started:.0f} s, seed {args.seed})")
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")
    return 0


def _row(name: str, t: Tally, extra: str = "") -> str:
    shown = "; ".join(t.examples[:3])
    return (f"| {name} | {t.tried} | crashes {t.crashes}, clean one-line refusals {t.clean_refusals}{extra}"
            f"{' (' + shown + ')' if shown else ''} |")


if __name__ == "__main__":
    raise SystemExit(main())
