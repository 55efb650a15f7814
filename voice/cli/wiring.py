"""The process's edges every voice command shares: the one TTS engine, the listener (``Listening``:
as shipped or a benchmark's baseline), and the printed trace of what the skill heard and said."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from voice.cli.app import App
from voice.device.happened import line
from voice.device.runner import Trace

if TYPE_CHECKING:
    from voice.device.listen import Listener
    from voice.core.numbers import NumberWords
    from voice.speech.recognizer import Recognizer
    from voice.speech.tts import Voice


def make_voice(app: App) -> Voice:
    """The one TTS engine of the process, with its on-disk cache."""
    from voice.speech.tts import CachedVoice, Pyttsx3Voice
    settings = app.config.voice
    return CachedVoice(Pyttsx3Voice(settings.voice, settings.rate, settings.volume, app.language),
                       app.data_dir / "tts-cache")


@dataclass(frozen=True)
class Listening:
    """How the listener hears, as shipped or as one of the benchmark's baselines (``rituals listen
    --no-early-stop``, ``--no-double-talk``) or trying ``--floor-limit``, the same at home and over a file."""

    early_stop: bool = True
    """A sure stop is decided at its first pause (``Listener``'s ``early_stop``)."""
    double_talk: bool = True
    """The endpointer's double-talk rule (``EndpointSettings.double_talk_db``)."""
    floor_limit: bool = False
    """The endpointer's lowest noise floor, ``FLOOR_LIMIT_DB`` (not on by default, see there)."""

    def listener(self, recognizer: Recognizer, numbers: NumberWords | None) -> Listener:
        from voice.audio.endpoint import FLOOR_LIMIT_DB, EndpointSettings, Endpointer
        from voice.device.listen import Listener
        shipped = EndpointSettings()
        settings = EndpointSettings(double_talk_db=shipped.double_talk_db if self.double_talk else None,
                                    floor_min_db=FLOOR_LIMIT_DB if self.floor_limit else shipped.floor_min_db)
        return Listener(recognizer, Endpointer(settings), numbers=numbers, early_stop=self.early_stop)


def trace(stream, origin: float = 0.0) -> Trace:
    """Prints (time since ``origin``, line): what the skill heard and said."""
    def show(at: float, entry) -> None:
        text = line(entry)
        if text is None:
            return
        minutes, seconds = divmod(max(0.0, at - origin), 60)
        print(f"[{int(minutes):02d}:{seconds:06.3f}] {text}", file=stream, flush=True)
    return show
