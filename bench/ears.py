"""The listening stage's benchmark: ``python bench/ears.py`` (after ``make test`` installed everything).

1. Generates the corpus into bench/out/corpus2 if it is not there (``bench/corpus.py``; voices split
   by family into development and test, ``bench/phrasings.yaml``).
2. Hears every clip once through the product's own end-of-speech detection and keeps, per
   utterance and context, what each engine made of it and what that cost (``features``, cached in
   bench/out/ears/). The phoneme model runs once per utterance and is searched in both contexts.
3. Decides every row from those features: each engine alone, the fused stage (``voice.speech.fusion``
   with the settings in the code, tuned on the development split by ``bench/tune_fusion.py``), and
   the earlier PocketSphinx stage as the baseline, on the same clips in the same run.

``--split dev`` hears the development split only (for tuning); the default hears both and reports
the test split. ``--workers N`` (default 2) processes. ``--rescore`` searches every cached clip again
from the phoneme model's kept output (bench/out/ears/log_probs) after a change of the scorer, without
hearing the corpus again.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from voice.library.intents import load_catalogue  # noqa: E402
from voice.library.rituals import load_library  # noqa: E402
from voice.audio import RATE  # noqa: E402
from voice.audio.convert import read_wav  # noqa: E402
from voice.device.evaluate import ListeningPipeline  # noqa: E402
from voice.speech.recognizer import Hypothesis  # noqa: E402

OUT = ROOT / "bench" / "out"
CORPUS = Path(os.environ.get("EARS_CORPUS", OUT / "corpus2"))
FEATURES = Path(os.environ.get("EARS_FEATURES", OUT / "ears"))
LOG_PROBS = FEATURES / "log_probs"


class Tap:
    """A recogniser that only keeps each utterance's audio: the engines are then run on exactly what
    the endpointer would have given them, and timed one by one."""

    name = "tap"

    def __init__(self) -> None:
        self.utterances: list[np.ndarray] = []
        self._chunks: list[np.ndarray] = []

    def set_context(self, context) -> None:  # noqa: ANN001
        pass

    def start(self) -> None:
        self._chunks = []

    def accept(self, audio: np.ndarray) -> None:
        self._chunks.append(audio)

    def finish(self) -> Hypothesis:
        self.utterances.append(np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16))
        return Hypothesis("")


_engines: dict = {}


def _init_worker() -> None:
    from voice.speech.engines import ENGINES, Setup
    catalogue = load_catalogue(load_library().spoken_names())
    setup = Setup(catalogue, threads=1)  # one worker process per core
    _engines.update(catalogue=catalogue, **{name: ENGINES[name].build(setup) for name in ("ctc", "whisper")},
                    sphinx=ENGINES["pocketsphinx"].build(setup))


def _timed(fn, *args):  # noqa: ANN001, ANN202
    began = time.perf_counter()
    out = fn(*args)
    return out, round((time.perf_counter() - began) * 1000, 2)


def hear(job: tuple[str, tuple[list[str], bool]]) -> dict:
    """Features of one clip in each of its contexts (and the baseline's decision, on test clips)."""
    audio_name, (contexts, baseline) = job
    return hear_audio(audio_name, read_wav(CORPUS / audio_name), contexts, baseline)


def hear_audio(audio_name: str, audio: np.ndarray, contexts: list[str], baseline: bool) -> dict:
    """``hear`` for audio already read (a front end may have filtered it)."""
    ctc, whisper, sphinx = _engines["ctc"], _engines["whisper"], _engines["sphinx"]
    tap = Tap()
    for _ in ListeningPipeline(tap, _engines["catalogue"]).heard(audio, "idle"):
        pass
    out: dict = {"audio": audio_name, "seconds": round(len(audio) / RATE, 2), "contexts": {}}
    frames = [(_timed(ctc.log_probs, u) if len(u) >= 1600 else (None, 0.0)) for u in tap.utterances]
    # The phoneme model's output is kept (float16, about 20 kB an utterance), so that a change of the
    # scorer's search is measured again from it without hearing the corpus again (``rescore``).
    LOG_PROBS.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(LOG_PROBS / f"{Path(audio_name).stem}.npz",
                        **{str(i): lp.astype(np.float16) for i, (lp, _) in enumerate(frames) if lp is not None})
    for context in contexts:
        rows = []
        for utterance, (lp, lp_ms) in zip(tap.utterances, frames):
            row = {"seconds": round(len(utterance) / RATE, 2)}
            if lp is not None:
                h, ms = _timed(ctc.score_frames, lp, context)
                row.update(_ctc_fields(h), ctc_ms=round(lp_ms + ms, 2))
            else:
                row.update(ctc_text="", confidence=None, forced="", ctc_ms=0.0)
            whisper.set_context(context)
            whisper.start()
            whisper.accept(utterance)
            w, w_ms = _timed(whisper.finish)
            row.update(whisper_text=w.text, whisper_ms=w_ms)
            rows.append(row)
        out["contexts"][context] = {"utterances": rows}
        if baseline:  # the earlier stage, over its own decoders (their state carries between utterances)
            match, latency = ListeningPipeline(sphinx, _engines["catalogue"], "pocketsphinx").decide(audio, context)
            out["contexts"][context].update(sphinx=None if match is None else [match.intent, match.slots.get("ritual")],
                                            sphinx_ms=round(latency, 2))
    out["rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def _ctc_fields(h: Hypothesis) -> dict:
    """What the tables need of one search (``verify_inputs``: the verifier is applied at table time,
    so that the tuner can fit it without searching again)."""
    return {"ctc_text": h.text, "confidence": h.detail.get("confidence"), "forced": h.detail.get("forced"),
            "heard_phones": h.detail.get("heard_phones"), "path_phones": h.detail.get("path_phones"),
            "verify_inputs": h.detail.get("verify_inputs")}


def _rescore(line: str) -> str:
    """One cached clip searched again from its kept model output (the timings stay as heard)."""
    clip = json.loads(line)
    kept = np.load(LOG_PROBS / f"{Path(clip['audio']).stem}.npz")
    for context, found in clip["contexts"].items():
        for i, row in enumerate(found["utterances"]):
            if str(i) in kept.files:
                row.update(_ctc_fields(_engines["ctc"].score_frames(kept[str(i)].astype(np.float64), context)))
    return json.dumps(clip)


def rescore(workers: int) -> None:
    """``--rescore``: the scorer's part of every cached clip searched again with today's code (after
    a change of the search or of what it reports), without hearing the corpus again."""
    path = FEATURES / "features.jsonl"
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    with Pool(workers, initializer=_init_worker) as pool:
        out = list(pool.imap(_rescore, lines, chunksize=16))
    path.with_suffix(".tmp").write_text("\n".join(out) + "\n")
    path.with_suffix(".tmp").replace(path)


def load_rows() -> list[dict]:
    manifest = CORPUS / "manifest.jsonl"
    if not manifest.exists():
        from corpus import generate
        print("generating the corpus (about 15 minutes)...", file=sys.stderr)
        generate(CORPUS)
    return [json.loads(line) for line in manifest.read_text().splitlines() if line.strip()]


def features(split: str | None, workers: int) -> Path:
    """Hears the clips of ``split`` (both when None) that are not cached yet; returns the cache file."""
    FEATURES.mkdir(parents=True, exist_ok=True)
    path = FEATURES / "features.jsonl"
    done = set()
    if path.exists():
        done = {json.loads(line)["audio"] for line in path.read_text().splitlines() if line.strip()}
    jobs: dict[str, tuple[list[str], bool]] = {}
    for row in load_rows():
        if (split is None or row["split"] == split) and row["audio"] not in done:
            contexts, _ = jobs.setdefault(row["audio"], ([], row["split"] == "test"))
            if row["context"] not in contexts:
                contexts.append(row["context"])
    began = time.perf_counter()
    with path.open("a") as f, Pool(workers, initializer=_init_worker) as pool:
        for n, result in enumerate(pool.imap_unordered(hear, sorted(jobs.items()), chunksize=4), 1):
            f.write(json.dumps(result) + "\n")
            if n % 100 == 0:
                print(f"  {n}/{len(jobs)} clips, {time.perf_counter() - began:.0f} s", file=sys.stderr)
    return path


COLD = """
import resource, sys, time
began = time.perf_counter()
from voice.library.intents import load_catalogue
from voice.library.rituals import load_library
from voice.speech.engines import ENGINES, Setup
catalogue = load_catalogue(load_library().spoken_names())
recognizer = ENGINES[sys.argv[1]].build(Setup(catalogue))
ready = time.perf_counter() - began
import numpy as np
sys.path.insert(0, "tests")
from speech import say
recognizer.set_context("idle"); recognizer.start(); recognizer.accept(say("let's check in")); recognizer.finish()
print(round(ready, 3), round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))
"""


def cold_starts(names: tuple[str, ...] = ("pocketsphinx", "ctc", "whisper", "fused")) -> str:
    """Load time (fresh interpreter to ready) and peak RSS after one utterance, per engine (best of 3)."""
    import subprocess
    lines = ["| engine | cold start s (best of 3) | peak RSS MB |", "|---|---|---|"]
    for name in names:
        runs = [subprocess.run([sys.executable, "-c", COLD, name], capture_output=True, text=True, cwd=ROOT,
                               check=True).stdout.split() for _ in range(3)]
        lines.append(f"| {name} | {min(float(r[0]) for r in runs):.2f} | {max(float(r[1]) for r in runs):.0f} |")
    return "\n".join(lines)


def main() -> None:
    split = sys.argv[sys.argv.index("--split") + 1] if "--split" in sys.argv else None
    workers = int(sys.argv[sys.argv.index("--workers") + 1]) if "--workers" in sys.argv else 2
    if "--rescore" in sys.argv:
        rescore(workers)
    features(split, workers)
    if split is None and not (FEATURES / "baseline.jsonl").exists():
        from baseline import main as baseline
        baseline(workers)
    from ears_tables import report
    print(report(load_rows(), FEATURES / "features.jsonl", "test" if split is None else split))
    if split is None:
        from ears_tables import enrolment_table, load_features
        from enrolment import main as enrol
        enrolled = enrol(workers)
        rows = [r for r in load_rows() if r["split"] == "test"]
        print("\nEnrolment (test voices; the enrolment recordings themselves are not scored):\n")
        print(enrolment_table(rows, load_features(FEATURES / "features.jsonl"), enrolled))
        from frontends import main as front_ends
        print("\nNoise front ends (a sample of the test clips, fused rule):\n")
        print(front_ends(workers))
        print()
        print(cold_starts())


if __name__ == "__main__":
    main()
