"""``rituals doctor``: what works on this machine, what is missing, and how to fix it."""

from __future__ import annotations

from collections.abc import Callable

from voice.cli.app import App, skipped_warning
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


def _rituals(app: App) -> str:
    library = app.library
    if library.skipped:
        raise RitualsError(" ".join(skipped_warning(error) for error in library.skipped))
    return f"{len(library.rituals)} rituals"


def _library_error(app: App) -> RitualsError | None:
    """Why the rituals do not load at all, if they do not (then nothing that speaks can be checked)."""
    try:
        app.library
    except RitualsError as exc:
        return exc
    return None


def _tts(app: App) -> str:
    from voice.audio import RATE
    from voice.speech.tts import Pyttsx3Voice
    line = app.library.system.get("voice_check")
    settings = app.config.voice
    audio = Pyttsx3Voice(settings.voice, settings.rate, settings.volume, app.language).render(line)
    if len(audio) == 0:
        raise RitualsError("text-to-speech produced silence: reinstall libespeak-ng1 and espeak-ng-data")
    return f"pyttsx3 speaks ({len(audio) / RATE:.2f} s for '{line}')"


def _engine(app: App, name: str) -> Callable[[], str]:
    def check() -> str:
        from voice.speech.engines import ENGINES, Setup
        engine = ENGINES[name]
        try:
            engine.build(Setup(app.catalogue, None, app.config_model, app.data_dir, language=app.language))
        except RitualsError as exc:
            raise RitualsError(str(exc) if engine.needs in str(exc) else f"{str(exc).rstrip('.')} (needs "
                               f"{engine.needs})") from exc
        return engine.summary
    return check


def _listening(app: App) -> str:
    from voice.speech.engines import make_recognizer
    _recognizer, note = make_recognizer(app.config.engine, app.catalogue, None, app.config_model, app.data_dir,
                                        app.language)
    return note


def _data(app: App) -> str:
    journal = app.journal
    return f"journal at {journal.path} ({len(journal.sessions())} sessions)"


def _engine_names() -> tuple[str, ...]:
    from voice.speech.engines import ENGINES
    return tuple(ENGINES)


def run_doctor(app: App) -> int:
    # The voice and the engines speak and hear the rituals' lines: when those do not load, the
    # fault is the ritual file's, so those checks wait rather than blaming the speech engines.
    uses_library = {"text-to-speech", "listening", *(f"engine {name}" for name in _engine_names())}
    app.warn = lambda line: None  # the "rituals" check below says it, once
    library_error = _library_error(app)
    checks: list[Check] = [
        ("rituals", lambda: _rituals(app)),
        ("microphone", lambda: _devices("input")),
        ("speaker", lambda: _devices("output")),
        ("text-to-speech", lambda: _tts(app)),
        *((f"engine {name}", _engine(app, name)) for name in _engine_names()),
        ("listening", lambda: _listening(app)),
        ("data", lambda: _data(app)),
    ]
    essential_failed = False
    for name, check in checks:
        if library_error is not None and name in uses_library:
            print(f"  --    {name}: not checked until the rituals load (see 'rituals' above)")
            continue
        try:
            print(f"  ok    {name}: {check()}")
        except (RitualsError, OSError, ImportError, RuntimeError) as exc:
            optional = name.startswith("engine ") or name in ("microphone", "speaker")
            essential_failed |= not optional
            print(f"  {'--' if optional else 'FAIL'}    {name}: {exc}")
    return 1 if essential_failed else 0
