"""Enrolment's gain, measured: ``python bench/enrolment.py`` (after ``bench/ears.py`` has heard the test
split; called by it).

For each test voice, the scorer is enrolled the way ``rituals calibrate`` enrols a couple: that voice
saying each calibration phrase (``intents/calibration.yaml``) once, clean (the corpus's clean clip of
that phrase). Every other clip of that voice (noisy, own words, other speech) is then scored
(a) enrolled on that voice and (b) enrolled on another test voice (the next one in the list), against
the features of the unenrolled scorer. The enrolment clips themselves are never scored. Whisper's
transcripts do not depend on enrolment and are taken from the main features.
"""

from __future__ import annotations

import json
import sys
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from ears import CORPUS, FEATURES, Tap, _ctc_fields, load_rows  # noqa: E402
from voice.library.intents import load_catalogue  # noqa: E402
from voice.library.rituals import load_library  # noqa: E402
from voice.audio.convert import read_wav  # noqa: E402
from voice.cli.calibrate import load_probes  # noqa: E402
from voice.device.evaluate import ListeningPipeline  # noqa: E402
from voice.core.normalize import normalize  # noqa: E402

_state: dict = {}


def enrolment_clips(rows: list[dict], voice: str) -> list[dict]:
    """The clean clip of each calibration phrase in ``voice`` (as a partner would record them)."""
    wanted = {(p.context, normalize(p.say)) for p in load_probes()}
    return [r for r in rows if r["voice"] == voice and r["condition"] == "clean" and r["kind"] == "command"
            and (r["context"], normalize(r["text"])) in wanted]


def _init(enrolled_on: dict[str, list[tuple[str, str, str]]]) -> None:
    from voice.speech.ctc_engine import CtcRecognizer
    catalogue = load_catalogue(load_library().spoken_names())
    _state.update(catalogue=catalogue, enrolled_on=enrolled_on, scorers={}, make=lambda: CtcRecognizer(catalogue))


def _scorer(voice: str):  # noqa: ANN202
    if voice not in _state["scorers"]:
        scorer = _state["make"]()
        scorer.enrol([(c, t, read_wav(CORPUS / a)) for c, t, a in _state["enrolled_on"][voice]])
        _state["scorers"] = {voice: scorer}  # one at a time: jobs come grouped by voice
    return _state["scorers"][voice]


def hear(job: tuple[str, str, list[str]]) -> dict:
    audio_name, enrolled_voice, contexts = job
    scorer = _scorer(enrolled_voice)
    tap = Tap()
    for _ in ListeningPipeline(tap, _state["catalogue"]).heard(read_wav(CORPUS / audio_name), "idle"):
        pass
    out = {"audio": audio_name, "enrolled": enrolled_voice, "contexts": {}}
    for context in contexts:
        rows = []
        for u in tap.utterances:
            h = scorer.score(u, context) if len(u) >= 1600 else None
            rows.append({} if h is None else _ctc_fields(h))
        out["contexts"][context] = rows
    return out


def main(workers: int = 2) -> Path:
    rows = [r for r in load_rows() if r["split"] == "test" and not r["voice"].startswith("real:")]
    voices = sorted({r["voice"] for r in rows})
    enrolled_on = {v: [(r["context"], r["text"], r["audio"]) for r in enrolment_clips(rows, v)] for v in voices}
    # Not only the enrolment clips: the same phrase by the same voice in other conditions is the same
    # synthesised waveform with noise added, which would flatter enrolment.
    used = {(v, normalize(t)) for v, clips in enrolled_on.items() for _c, t, _a in clips}
    jobs: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        if (r["voice"], normalize(r["text"] or "")) in used:
            continue
        other = voices[(voices.index(r["voice"]) + 1) % len(voices)]
        for enrolled in (r["voice"], other):
            contexts = jobs.setdefault((r["audio"], enrolled), [])
            if r["context"] not in contexts:
                contexts.append(r["context"])
    path = FEATURES / "enrolled.jsonl"
    ordered = sorted(((a, e, c) for (a, e), c in jobs.items()), key=lambda j: (j[1], j[0]))
    with path.open("w") as f, Pool(workers, initializer=_init, initargs=(enrolled_on,)) as pool:
        for result in pool.imap(hear, ordered, chunksize=16):
            f.write(json.dumps(result) + "\n")
    (FEATURES / "enrolment.json").write_text(json.dumps({v: [a for _c, _t, a in c] for v, c in enrolled_on.items()}))
    print(f"enrolment: {sum(len(c) for c in enrolled_on.values())} recordings over {len(voices)} voices, "
          f"{len(ordered)} clip scorings", file=sys.stderr)
    return path


if __name__ == "__main__":
    main()
