"""User settings (a TOML file in the user's config directory) and where data lives.

Every setting has a safe default, so a missing config file is normal. A config named explicitly
(``--config`` or ``RITUALS_CONFIG``) must exist; a malformed one is a one-line error with its line.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import platformdirs

from voice.errors import ConfigError
from voice.home.invitations import Rules, parse_quiet
from voice.library.language import DEFAULT as DEFAULT_LANGUAGE
from voice.library.language import codes

APP = "spoken-rituals"


@dataclass(frozen=True)
class VoiceSettings:
    """How the device speaks."""

    voice: str = ""
    """pyttsx3 voice id or name fragment; empty: the system default."""
    rate: int = 165
    """Words per minute."""
    volume: float = 0.9
    """0.0 to 1.0."""


@dataclass(frozen=True)
class Config:
    """Everything a user can set; see ``README.md`` for the file format."""

    partners: tuple[str, str] | None = None
    """The two names used in prompts; ``None``: the neutral names in ``prompts/system.yaml``."""
    store_content: bool = False
    """Keep what was said (typed or recognised text) in the journal. Off: only intents and timings."""
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    engine: str = "auto"
    """Speech recogniser: auto, vosk or pocketsphinx."""
    data_dir: Path | None = None
    """Where the journal lives, when not given by ``--data-dir`` / ``RITUALS_DATA_DIR``."""
    vosk_model: Path | None = None
    """A Vosk model folder, when not given by ``--model`` / ``RITUALS_VOSK_MODEL``."""
    language: str = DEFAULT_LANGUAGE
    """The language spoken (a pack in ``intents/languages/``), when not given by ``--language``."""
    path: Path | None = None
    """The file this came from, if any."""
    invitations: Rules = field(default_factory=Rules)
    """``[invitations]``: quiet hours and how long "later" waits."""


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def _check(table: dict[str, Any], allowed: dict[str, type | tuple[type, ...]], where: str, path: Path) -> None:
    for key, value in table.items():
        if key not in allowed:
            raise ConfigError(f"{path}: unknown setting '{where}{key}' (known: {', '.join(sorted(allowed))}).")
        if isinstance(value, bool) and allowed[key] is not bool:
            raise ConfigError(f"{path}: setting '{where}{key}' has the wrong type.")
        if not isinstance(value, allowed[key]):
            raise ConfigError(f"{path}: setting '{where}{key}' has the wrong type.")


def load_config(path: Path | None = None) -> Config:
    """Read ``path`` (or ``RITUALS_CONFIG``, or the default file if it exists)."""
    explicit = path or (Path(os.environ["RITUALS_CONFIG"]) if os.environ.get("RITUALS_CONFIG") else None)
    path = explicit or default_config_path()
    if not path.exists():
        if explicit:
            where = "directory" if not path.parent.is_dir() else "file"
            raise ConfigError(f"Config {where} not found for {path}: create it or leave out --config.")
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}): fix that line.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config ({exc.__class__.__name__}).") from exc
    _check(data, {"partners": list, "store_content": bool, "voice": dict, "engine": str, "data_dir": str,
                  "vosk_model": str, "language": str, "invitations": dict}, "", path)
    partners = data.get("partners")
    if partners is not None and (len(partners) != 2 or not all(isinstance(p, str) and p.strip() for p in partners)):
        raise ConfigError(f"{path}: 'partners' must be two names, like partners = [\"Alex\", \"Sam\"].")
    voice = data.get("voice", {})
    _check(voice, {"voice": str, "rate": int, "volume": (int, float)}, "voice.", path)
    settings = VoiceSettings(voice.get("voice", ""), voice.get("rate", 165), float(voice.get("volume", 0.9)))
    if not 60 <= settings.rate <= 400 or not 0.0 <= settings.volume <= 1.0:
        raise ConfigError(f"{path}: voice.rate must be 60-400 and voice.volume 0.0-1.0.")
    engine = data.get("engine", "auto")
    from voice.speech.engines import CHOICES  # the one list of engines
    if engine not in CHOICES:
        raise ConfigError(f"{path}: engine must be one of {', '.join(CHOICES)}.")
    language = data.get("language", DEFAULT_LANGUAGE)
    if language not in codes():
        raise ConfigError(f"{path}: language must be one of {', '.join(codes())}.")
    return Config(tuple(p.strip() for p in partners) if partners else None,  # type: ignore[arg-type]
                  data.get("store_content", False), settings, engine,
                  Path(data["data_dir"]).expanduser() if "data_dir" in data else None,
                  Path(data["vosk_model"]).expanduser() if "vosk_model" in data else None, language, path,
                  _invitation_rules(data.get("invitations", {}), path))


def _invitation_rules(table: dict[str, Any], path: Path) -> Rules:
    """``[invitations]``: ``quiet_hours = "23:00-07:00"`` (or "none"), ``later_minutes = 15``."""
    _check(table, {"quiet_hours": str, "later_minutes": int}, "invitations.", path)
    rules = Rules()
    try:
        quiet = parse_quiet(table["quiet_hours"]) if "quiet_hours" in table else rules.quiet
    except ValueError:
        raise ConfigError(f"{path}: invitations.quiet_hours must look like \"23:00-07:00\" (or \"none\").") from None
    later = table.get("later_minutes", int(rules.later.total_seconds() // 60))
    if not 1 <= later <= 240:
        raise ConfigError(f"{path}: invitations.later_minutes must be 1 to 240.")
    return dataclasses.replace(rules, quiet=quiet, later=timedelta(minutes=later))


def data_dir(config: Config, override: Path | None = None) -> Path:
    """``--data-dir`` > ``RITUALS_DATA_DIR`` > config ``data_dir`` > the user data directory."""
    if override:
        return override
    if os.environ.get("RITUALS_DATA_DIR"):
        return Path(os.environ["RITUALS_DATA_DIR"])
    return config.data_dir or Path(platformdirs.user_data_dir(APP))
