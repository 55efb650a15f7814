"""``rituals doctor``: what works on this machine, what is missing, and how to fix it."""

from __future__ import annotations

from collections.abc import Callable

from voice.app import App
from voice.errors import RitualsError

Check = tuple[str, Callable[[], str]]


def _devices(kind: str) -> str:
    import sounddevice as sd
    channel = "max_input_channels" if kind == "input" else "max_output_channels"
    found = [d["name"] for d in sd.query_devices() if d[channel] > 0]
    if not found:
        raise RitualsError(f"no {'microphone' if kind == 'input' else 'speaker'} found: connect one "
                           "(or use 'rituals listen --input FILE.wav --output OUT.wav', or 'rituals demo')")
    return ", ".join(found[:3])


def _tts(app: App) -> str:
    from voice.speech.tts import Pyttsx3Voice
    line = app.library.system.get("voice_check")
    audio = Pyttsx3Voice(app.config.voice.voice, app.config.voice.rate, app.config.voice.volume).render(line)
    if len(audio) == 0:
        raise RitualsError("text-to-speech produced silence: reinstall libespeak-ng1 and espeak-ng-data")
    return f"pyttsx3 speaks ({len(audio) / 16000:.2f} s for '{line}')"


def _sphinx(app: App) -> str:
    from voice.speech.sphinx import SphinxRecognizer
    SphinxRecognizer(app.catalogue)
    return "PocketSphinx with its built-in US English model"


def _vosk(app: App) -> str:
    from voice.speech.models import find_model
    path = find_model(None, app.config_model, app.data_dir)
    if path is None:
        raise RitualsError("no English Vosk model: 'rituals models download vosk-model-small-en-us-0.15' "
                           "(PocketSphinx works meanwhile)")
    import vosk  # noqa: F401
    return f"Vosk model at {path}"


def _data(app: App) -> str:
    journal = app.journal
    return f"journal at {journal.path} ({len(journal.sessions())} sessions)"


def run_doctor(app: App) -> int:
    checks: list[Check] = [
        ("microphone", lambda: _devices("input")),
        ("speaker", lambda: _devices("output")),
        ("text-to-speech", lambda: _tts(app)),
        ("PocketSphinx", lambda: _sphinx(app)),
        ("Vosk", lambda: _vosk(app)),
        ("data", lambda: _data(app)),
    ]
    essential_failed = False
    for name, check in checks:
        try:
            print(f"  ok    {name}: {check()}")
        except (RitualsError, OSError, ImportError, RuntimeError) as exc:
            optional = name in ("Vosk", "microphone", "speaker")
            essential_failed |= not optional
            print(f"  {'--' if optional else 'FAIL'}    {name}: {exc}")
    return 1 if essential_failed else 0
