"""The benchmark: ``python bench/run.py`` (after ``make test`` has installed everything).

Runs the listening stage's benchmark (``bench/ears.py``: every engine, the fused stage and the earlier
PocketSphinx stage on the same clips, reported on the test voices) and then the system measures
below, and prints the markdown tables that BENCHMARKS.md shows. The corpus is generated into
bench/out/corpus2 on the first run (nothing is committed).
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

OUT = ROOT / "bench" / "out"

def system_measures() -> dict[str, float]:
    measures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        # Cold start to ready-to-listen, and its peak memory: a fresh interpreter builds everything.
        script = ("import time; t=time.perf_counter()\n"
                  "from voice.cli.app import App\nfrom voice.speech.engines import make_recognizer\n"
                  "from voice.cli.wiring import make_voice\nfrom voice.device.listen import Listener\n"
                  f"app=App(None, __import__('pathlib').Path({str(tmp_path / 'd')!r}))\n"
                  "Listener(make_recognizer('auto', app.catalogue, None, None, app.data_dir)[0])\n"
                  "make_voice(app).render(app.library.system.get('voice_check'))\napp.journal\n")
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
                              "auto"], capture_output=True, text=True, check=True, cwd=ROOT)
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
                        "auto"], capture_output=True, text=True, check=True, cwd=ROOT)
        out = read_wav(tmp_path / "out2.wav")
        stop_end = 4.0 + sound_spans(stop, threshold=300)[-1][1]
        # The prompt is cut and replaced by the short goodbye: where does the prompt's audio end?
        before = [s for s in sound_spans(out, min_gap=0.05) if s[0] < stop_end + 2]
        cut = next((e for s, e in before if e > stop_end), stop_end)
        measures["stop_reaction_render_ms"] = round((cut - stop_end) * 1000, 1)
        # Journal write time per event (synchronous=FULL, one transaction each).
        from datetime import datetime, timezone
        from voice.journal.store import Journal
        from voice.core.journal_events import SpeechHeard
        journal = Journal.open(tmp_path / "j.sqlite3")
        sid = journal.begin("six_second_kiss", 0, "A", datetime.now(timezone.utc))
        began = time.perf_counter()
        for i in range(300):
            journal.event(sid, datetime.now(timezone.utc), float(i), SpeechHeard("stop", "idle", 100))
        measures["journal_ms_per_event"] = round((time.perf_counter() - began) / 300 * 1000, 3)
        journal.close()
    return measures


def main() -> None:
    subprocess.run([sys.executable, str(ROOT / "bench" / "ears.py"), *sys.argv[1:]], check=True)
    measures = system_measures()
    OUT.mkdir(exist_ok=True)
    (OUT / "measures.json").write_text(json.dumps(measures, indent=2))
    print()
    print("| measure (auto engine) | value |\n|---|---|")
    for key, value in measures.items():
        print(f"| {key} | {value} |")


if __name__ == "__main__":
    main()
