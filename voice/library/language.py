"""What a language is: the one reader of ``intents/languages/<code>.yaml`` (format in ``intents/languages/README.md``).

A pack names its intent file, its prompts folder, its number words and spoken durations, the TTS
voice and the engines that understand it. Everything else asks the ``Language`` it was given, so a
new language is data only. This module imports no other part of the skill's data packages
(``intents``, ``prompts``) so that they can import it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from voice.library.places import LANGUAGES as DATA_DIR
from voice.library.places import ROOT
from voice.errors import ConfigError, DataFileError
from voice.core.numbers import NumberWords, Ordinals
from voice.library.yamlio import LineDict, load_yaml

DEFAULT = "en"
"""The language when neither the config nor ``--language`` names one."""



@dataclass(frozen=True)
class Durations:
    """How "time left" is said: each part a count and its unit, the parts joined."""

    part: str
    """With ``{count}`` and ``{unit}``: "{count} {unit}"; "{count}{unit}" (3분)."""
    join: str
    """Between minutes and seconds; ``{and}`` is system.yaml's ``unit_and``."""


@dataclass(frozen=True)
class Language:
    """One language pack."""

    code: str
    name: str
    intents: Path
    """The intent file."""
    prompts: Path
    """The folder with ``rituals/`` and ``system.yaml``."""
    numbers: NumberWords
    durations: Durations
    tts_voice: str
    """pyttsx3 voice id, or the end of one after a "/"."""
    tts_names: tuple[str, ...]
    """Lower-case voice names that also mean it (other drivers)."""
    engines: tuple[str, ...]
    """Recognisers that understand the language, in the order ``auto`` tries them."""
    vosk_match: str
    """Part of the folder name of this language's Vosk models."""
    vosk_package: str | None
    """A Python package that ships a Vosk model in its ``model/`` folder."""
    vosk_get: str
    """How to get a Vosk model, for the error when none is found."""
    path: Path
    """The pack file."""
    calibration: Path | None = None
    """The phrases ``rituals calibrate`` asks each partner to say (``None``: none in this language yet)."""


def codes() -> tuple[str, ...]:
    """Every language with a pack, sorted."""
    return tuple(sorted(p.stem for p in DATA_DIR.glob("*.yaml")))


def default_language() -> Language:
    return load_language(DEFAULT)


@functools.lru_cache(maxsize=None)
def load_language(code: str) -> Language:
    """The shipped pack of ``code`` (read once); ``ConfigError`` naming the known codes when there is none."""
    path = DATA_DIR / f"{code}.yaml"
    if not code.isidentifier() or not path.is_file():
        raise ConfigError(f"Unknown language '{code}': use one of {', '.join(codes())}.")
    return read_language(path)


def read_language(path: Path) -> Language:
    """The pack in ``path`` (its code is the file name); ``DataFileError`` with the line when malformed."""
    code = path.stem
    data = load_yaml(path)
    p = str(path)
    if not isinstance(data, LineDict):
        raise DataFileError(p, "must be a mapping (see intents/languages/README.md)", getattr(data, "line", None))
    tts, vosk = _table(data, "tts", p), _table(data, "vosk", p)
    engines = data.get("engines")
    if not isinstance(engines, list) or not engines or not all(isinstance(e, str) for e in engines):
        raise DataFileError(p, "engines: must list at least one engine", data.line_of("engines"))
    durations = _durations(_table(data, "durations", p), p)
    return Language(
        code, _text(data, "name", p), _existing(data, "intents", p), _existing(data, "prompts", p),
        _numbers(_table(data, "numbers", p), p),
        durations,
        _text(tts, "voice", p, "tts."), tuple(str(n).lower() for n in tts.get("names", [])), tuple(engines),
        _text(vosk, "match", p, "vosk."), str(vosk["package"]) if "package" in vosk else None,
        _text(vosk, "get", p, "vosk."), path,
        _existing(data, "calibration", p) if "calibration" in data else None)


def _table(data: LineDict, key: str, p: str) -> LineDict:
    value = data.get(key)
    if not isinstance(value, LineDict):
        raise DataFileError(p, f"{key}: must be a mapping", data.line_of(key))
    return value


def _text(data: LineDict, key: str, p: str, where: str = "") -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(p, f"{where}{key}: must be non-empty text", data.line_of(key))
    return value


def _existing(data: LineDict, key: str, p: str) -> Path:
    found = ROOT / _text(data, key, p)
    if not found.exists():
        raise DataFileError(p, f"{key}: {found} does not exist", data.line_of(key))
    return found


def _durations(data: LineDict, p: str) -> Durations:
    durations = Durations(_text(data, "part", p, "durations."), str(data.get("join", " ")))
    try:  # a template with another placeholder would fail at the first "time left", mid-ritual
        durations.part.format(count=3, unit="u")
        durations.join.format(**{"and": "and"})
    except (KeyError, IndexError, ValueError) as exc:
        raise DataFileError(p, f"durations: part may use {{count}} and {{unit}}, join {{and}} ({exc!r})",
                            data.line) from exc
    return durations


def _numbers(data: LineDict, p: str) -> NumberWords:
    try:
        words = {int(k): str(v) for k, v in _table(data, "words", p).items()}
        scales = tuple(sorted((int(k), str(v)) for k, v in data.get("scales", {}).items()))
        up_to = int(data.get("up_to", 999_999))
    except ValueError as exc:
        raise DataFileError(p, f"numbers: keys must be whole numbers ({exc})", data.line) from exc
    ordinals = None
    if "ordinals" in data:
        o = _table(data, "ordinals", p)
        ordinals = Ordinals(tuple(map(str, o.get("suffixes", []))),
                            {str(k): str(v) for k, v in o.get("irregular", {}).items()},
                            {str(k): str(v) for k, v in o.get("endings", {}).items()}, str(o.get("suffix", "")))
    numbers = NumberWords(words, scales, str(data.get("join", " ")), data.get("one_before_scale", True) is True,
                          up_to, ordinals)
    gap = numbers.missing()
    if gap is not None or any(d not in words for d in range(10)):
        raise DataFileError(p, f"numbers.words: cannot say {gap if gap is not None else 'every digit'}: "
                            "give every value below the smallest scale as a word or as tens + ones", data.line)
    return numbers
