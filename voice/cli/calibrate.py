"""``rituals calibrate``: each partner says each command once; the device reports what it misheard.

The recordings and a manifest are kept (in the data directory's ``calibration/``), so the couple's
own voices can be re-scored with ``rituals eval`` after any change. Speaking and recording are
injected: a microphone and speaker at home, clips in tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice.speech.enrolment import MANIFEST
from voice.library.places import INTENTS
from voice.library.intents import Catalogue
from voice.audio.convert import write_wav
from voice.errors import DataFileError
from voice.speech.recognizer import Recognizer
from voice.library.yamlio import LineDict, load_yaml

PHRASES = INTENTS / "calibration.yaml"


@dataclass(frozen=True)
class Probe:
    say: str
    context: str
    intent: str
    ritual: str | None


@dataclass(frozen=True)
class Result:
    partner: str
    probe: Probe
    heard: str
    understood: str | None

    @property
    def ok(self) -> bool:
        return self.understood == self.probe.intent + (f" {self.probe.ritual}" if self.probe.ritual else "")


def load_probes(path: Path = PHRASES) -> list[Probe]:
    data = load_yaml(path)
    if not isinstance(data, LineDict) or not isinstance(data.get("phrases"), list):
        raise DataFileError(str(path), "must have a 'phrases' list")
    probes = []
    for item, line in zip(data["phrases"], data["phrases"].item_lines):
        if not isinstance(item, dict) or not {"say", "context", "intent"} <= set(item):
            raise DataFileError(str(path), "each phrase needs say, context and intent", line)
        probes.append(Probe(item["say"], item["context"], item["intent"], item.get("ritual")))
    return probes


def calibrate(names: tuple[str, str], system, catalogue: Catalogue, recognizer: Recognizer,
              speak: Callable[[str], None], record: Callable[[str], np.ndarray], out_dir: Path,
              probes: list[Probe] | None = None) -> list[Result]:
    """Ask, record, recognise; keep each recording and a manifest for ``rituals eval``."""
    from voice.device.evaluate import ListeningPipeline

    pipeline = ListeningPipeline(recognizer, catalogue)
    out_dir.mkdir(parents=True, exist_ok=True)
    results, manifest = [], []
    speak(system.get("calibrate_intro"))
    for partner in names:
        for n, probe in enumerate(probes or load_probes()):
            speak(system.get("calibrate_say", who=partner, phrase=probe.say))
            audio = record(probe.context)
            name = f"{partner.lower().replace(' ', '-')}-{n:02d}.wav"
            write_wav(out_dir / name, audio)
            recognizer.set_context(probe.context)  # type: ignore[arg-type]
            match, _ = pipeline.decide(audio, probe.context)
            heard = match.text if match else ""
            understood = None if match is None else match.intent + (
                f" {match.slots['ritual']}" if "ritual" in match.slots else "")
            results.append(Result(partner, probe, heard, understood))
            expect = {"intent": probe.intent, **({"ritual": probe.ritual} if probe.ritual else {})}
            manifest.append({"audio": name, "context": probe.context, "expect": expect, "partner": partner,
                             "text": probe.say})
    (out_dir / MANIFEST).write_text("".join(json.dumps(m) + "\n" for m in manifest))
    speak(system.get("calibrate_done"))
    return results
