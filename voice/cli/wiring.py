"""The process's edges every voice command shares: the one TTS engine, and the printed trace of what
the skill heard and said."""

from __future__ import annotations

from typing import TYPE_CHECKING

from voice.cli.app import App
from voice.device.happened import line
from voice.device.runner import Trace

if TYPE_CHECKING:
    from voice.audio.endpoint import Endpointer
    from voice.speech.tts import Voice


def make_voice(app: App) -> Voice:
    """The one TTS engine of the process, with its on-disk cache."""
    from voice.speech.tts import CachedVoice, Pyttsx3Voice
    settings = app.config.voice
    return CachedVoice(Pyttsx3Voice(settings.voice, settings.rate, settings.volume, app.language),
                       app.data_dir / "tts-cache")


def endpointer(double_talk: bool = True) -> Endpointer:
    """End-of-speech detection as shipped, or without its double-talk rule (``--no-double-talk``)."""
    from voice.audio.endpoint import EndpointSettings, Endpointer
    return Endpointer(EndpointSettings() if double_talk else EndpointSettings(double_talk_db=None))


def trace(stream, origin: float = 0.0) -> Trace:
    """Prints (time since ``origin``, line): what the skill heard and said."""
    def show(at: float, entry) -> None:
        text = line(entry)
        if text is None:
            return
        minutes, seconds = divmod(max(0.0, at - origin), 60)
        print(f"[{int(minutes):02d}:{seconds:06.3f}] {text}", file=stream, flush=True)
    return show
