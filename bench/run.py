"""The benchmark: ``python bench/run.py`` (after ``make test`` has installed everything).

Prints markdown tables (pasted into BENCHMARKS.md) and writes bench/out/results.json. The corpus is
generated into bench/out/corpus on the first run (nothing is committed).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from baselines import free_recognizer, snap, word_loop_recognizer  # noqa: E402
from corpus import generate  # noqa: E402

from intents import load_catalogue  # noqa: E402
from prompts import load_library  # noqa: E402
from voice.evaluate import ListeningPipeline, evaluate, load_manifest  # noqa: E402
from voice.speech.sphinx import SphinxRecognizer  # noqa: E402

OUT = ROOT / "bench" / "out"


def pct(v) -> str:
    return "-" if v is None else f"{v:.1%}"


def accuracy_tables(results: list[dict]) -> str:
    lines = ["| pipeline | condition | n | accuracy | false accepts | rejected | latency p50 / p95 ms | RTF |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        for name, g in [("all", r), *r["groups"].items()]:
            lines.append(f"| {r['engine']} | {name} | {g['n']} | {pct(g['accuracy'])} | {pct(g['false_accept_rate'])} "
                         f"| {pct(g['reject_rate'])} | {g['latency_ms']['p50']} / {g['latency_ms']['p95']} | {g['rtf']} |")
    return "\n".join(lines)


def system_measures() -> dict[str, float]:
    measures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        # Cold start to ready-to-listen, and its peak memory: a fresh interpreter builds everything.
        script = ("import time; t=time.perf_counter()\n"
                  "from voice.app import App\nfrom voice.speech.sphinx import SphinxRecognizer\n"
                  "from voice.cli_voice import make_voice\nfrom voice.listen import Listener\n"
                  f"app=App(None, __import__('pathlib').Path({str(tmp_path / 'd')!r}))\n"
                  "Listener(SphinxRecognizer(app.catalogue)); make_voice(app).render(app.library.system.get('voice_check'))\n"
                  "app.journal\n")
        runs = []
        for _ in range(3):
            began = time.perf_counter()
            subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT)
            runs.append(time.perf_counter() - began)
        measures["cold_start_s"] = round(min(runs), 3)
        measures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
        # Render mode over spoken input: timer error, end of speech to first reply, stop reaction.
        from voice.audio.convert import write_wav, read_wav
        from voice.audio.measure import sound_spans
        from corpus import synth
        kiss = np.concatenate([np.zeros(8000, np.int16), synth("flite", "slt", "let's do the six second kiss"),
                               np.zeros(16000, np.int16)])
        write_wav(tmp_path / "kiss.wav", kiss)
        subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(tmp_path / "d"), "listen", "--input",
                              str(tmp_path / "kiss.wav"), "--output", str(tmp_path / "out.wav"), "--engine",
                              "pocketsphinx"], capture_output=True, text=True, check=True, cwd=ROOT)
        spans = sound_spans(read_wav(tmp_path / "out.wav"), min_gap=1.0)
        measures["timer_error_ms"] = round(abs((spans[1][0] - spans[0][1]) - 6.0) * 1000, 2)
        speech_end = 0.5 + sound_spans(kiss[8000:], threshold=300)[-1][1]
        measures["speech_end_to_first_reply_ms"] = round((spans[0][0] - speech_end) * 1000, 1)
        stop = synth("flite", "slt", "stop")
        check = synth("flite", "slt", "let's check in")
        audio = np.zeros(16000 * 12, np.int16)
        audio[8000:8000 + len(check)] = check
        audio[64000:64000 + len(stop)] = stop
        write_wav(tmp_path / "stop.wav", audio)
        subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(tmp_path / "d2"), "listen", "--input",
                        str(tmp_path / "stop.wav"), "--output", str(tmp_path / "out2.wav"), "--engine",
                        "pocketsphinx"], capture_output=True, text=True, check=True, cwd=ROOT)
        out = read_wav(tmp_path / "out2.wav")
        stop_end = 4.0 + sound_spans(stop, threshold=300)[-1][1]
        # The prompt is cut and replaced by the short goodbye: where does the prompt's audio end?
        before = [s for s in sound_spans(out, min_gap=0.05) if s[0] < stop_end + 2]
        cut = next((e for s, e in before if e > stop_end), stop_end)
        measures["stop_reaction_render_ms"] = round((cut - stop_end) * 1000, 1)
        # Journal write time per event (synchronous=FULL, one transaction each).
        from datetime import datetime, timezone
        from voice.journal import Journal
        journal = Journal.open(tmp_path / "j.sqlite3")
        sid = journal.begin("six_second_kiss", 0, "A", datetime.now(timezone.utc))
        began = time.perf_counter()
        for i in range(300):
            journal.event(sid, datetime.now(timezone.utc), float(i), "heard", {"intent": "stop", "score": 100})
        measures["journal_ms_per_event"] = round((time.perf_counter() - began) / 300 * 1000, 3)
        journal.close()
    return measures


PIPELINES = {
    "rituals": lambda c: ListeningPipeline(SphinxRecognizer(c), c, "rituals (grammar + rejection)"),
    "naive": lambda c: ListeningPipeline(free_recognizer(), c, "naive (free LM, nearest)", snap(c, None)),
    "wyoming": lambda c: ListeningPipeline(word_loop_recognizer(c, OUT), c, "wyoming-vosk style (words + snap)",
                                           snap(c, 80.0)),
    # Free recognition, then this project's whole-utterance matcher (thresholds, near-ties) instead of a snap.
    "free-matcher": lambda c: ListeningPipeline(free_recognizer(), c, "free LM + rituals matcher"),
}
#: The default run: every command, the first 20 everyday sentences per context, four voices, all SNRs
#: (1 024 clips); "--full" takes the whole corpus (2 080 clips, about 3x longer).
SUBSET_VOICES = {"flite:slt", "flite:rms", "flite:awb", "espeak-ng:en-us+f3"}


def run_one(name: str, full: bool) -> None:
    """One pipeline over the corpus, in its own process (the three run in parallel)."""
    manifest = OUT / "corpus" / "manifest.jsonl"
    library = load_library()
    catalogue = load_catalogue(library.spoken_names())
    rows = [json.loads(line) for line in manifest.read_text().splitlines()]
    from corpus import DISTRACTORS
    keep = set(DISTRACTORS[:20])
    if not full:
        rows = [r for r in rows if r["voice"] in SUBSET_VOICES and (r["expect"] is not None or r["text"] in keep)]
    snrs = [a for a in sys.argv if a.startswith("--snr=")]
    if snrs:
        wanted = set(snrs[0][6:].split(","))
        rows = [r for r in rows if str(r["snr"]) in wanted]
    subset = OUT / "corpus" / f"manifest-{name}.jsonl"  # next to the clips, so their paths resolve
    subset.write_text("".join(json.dumps(r) + "\n" for r in rows))
    items, _ = load_manifest(subset, print)
    meta = {r["audio"]: r for r in rows}
    group = lambda item: str(meta[item.audio.name]["snr"])  # noqa: E731
    began = time.perf_counter()
    result = evaluate(items, PIPELINES[name](catalogue), print, group)
    result["seconds"] = round(time.perf_counter() - began)
    (OUT / f"result-{name}.json").write_text(json.dumps(result, indent=2))


def main() -> None:
    manifest = OUT / "corpus" / "manifest.jsonl"
    if not manifest.exists() or "--regenerate" in sys.argv:
        print("generating the corpus...", file=sys.stderr)
        generate(OUT / "corpus")
    if "--only" in sys.argv:
        run_one(sys.argv[sys.argv.index("--only") + 1], "--full" in sys.argv)
        return
    extra = ["--full"] if "--full" in sys.argv else []
    procs = [subprocess.Popen([sys.executable, __file__, "--only", name, *extra]) for name in PIPELINES
             if name != "free-matcher"]
    for proc in procs:
        proc.wait()
    results = [json.loads((OUT / f"result-{name}.json").read_text()) for name in PIPELINES
               if (OUT / f"result-{name}.json").exists()]
    measures = system_measures()
    OUT.mkdir(exist_ok=True)
    (OUT / "results.json").write_text(json.dumps({"results": results, "measures": measures}, indent=2))
    print(accuracy_tables(results))
    print()
    print("| measure | value |\n|---|---|")
    for key, value in measures.items():
        print(f"| {key} | {value} |")
    for r in results:
        print(f"\n{r['engine']} confusions: {json.dumps(r['confusions'])}")


if __name__ == "__main__":
    main()
