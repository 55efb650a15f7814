"""Choosing and building the recogniser (``--engine auto|vosk|pocketsphinx``)."""

from __future__ import annotations

from pathlib import Path

from intents import Catalogue
from voice.errors import AudioError
from voice.speech.models import find_model
from voice.speech.recognizer import Recognizer


def make_recognizer(engine: str, catalogue: Catalogue, model: Path | None, configured: Path | None,
                    data_dir: Path) -> tuple[Recognizer, str]:
    """The recogniser and a one-line note saying which engine runs and why."""
    if engine not in ("auto", "vosk", "pocketsphinx"):
        raise AudioError(f"Unknown engine '{engine}': use auto, vosk or pocketsphinx.")
    path = find_model(model, configured, data_dir) if engine in ("auto", "vosk") else None
    if engine == "vosk" and path is None:
        raise AudioError("No Vosk model found: run 'rituals models download vosk-model-small-en-us-0.15', "
                         "or use --engine pocketsphinx.")
    if path is not None:
        from voice.speech.vosk_engine import VoskRecognizer
        return VoskRecognizer(catalogue, path), f"Listening with Vosk ({path.name})."
    from voice.speech.sphinx import SphinxRecognizer
    why = "" if engine == "pocketsphinx" else " (no Vosk model found; 'rituals models download' adds one)"
    return SphinxRecognizer(catalogue), f"Listening with PocketSphinx{why}."
