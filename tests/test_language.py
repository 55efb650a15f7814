"""Language as data: a pack in ``intents/languages/`` chooses number words, durations, intents and prompts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from voice.errors import ConfigError, DataFileError
from voice.library.language import codes, default_language, load_language, read_language
from voice.core.normalize import normalize

EN = default_language().path


def pack(tmp_path: Path, old: str, new: str, name: str = "xx") -> Path:
    """The English pack with one line changed, as ``name.yaml``."""
    text = EN.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / f"{name}.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_digits_are_spelled_in_the_packs_own_words(tmp_path):
    language = read_language(pack(tmp_path, "6: six,", "6: sechs,"))
    assert normalize("the 6 second kiss", language.numbers) == "the sechs second kiss"
    assert normalize("the 26th", language.numbers) == "the twenty sechsth"
    assert normalize("the 6 second kiss") == "the six second kiss"      # the default pack is untouched


def test_a_pack_that_cannot_say_a_number_is_refused_naming_its_file(tmp_path):
    path = pack(tmp_path, "70: seventy, ", "")
    with pytest.raises(DataFileError, match=r"xx.yaml:\d+: numbers.words: cannot say 70"):
        read_language(path)


def test_a_duration_template_with_an_unknown_placeholder_is_refused_at_load(tmp_path):
    path = pack(tmp_path, 'part: "{count} {unit}"', 'part: "{count} {units}"')
    with pytest.raises(DataFileError, match=r"xx.yaml:\d+: durations: part may use"):
        read_language(path)


def test_an_unknown_language_is_one_line_naming_the_known_ones():
    with pytest.raises(ConfigError, match=r"Unknown language 'xx': use one of .*en"):
        load_language("xx")
    with pytest.raises(ConfigError):
        load_language("../en")                       # never a path outside the packs
    assert "en" in codes()


def test_an_intent_file_written_for_another_language_is_refused(tmp_path):
    from voice.library.intents import load_catalogue
    intents = tmp_path / "intents.yaml"
    intents.write_text(default_language().intents.read_text(encoding="utf-8"), encoding="utf-8")
    other = read_language(pack(tmp_path, "name: English", "name: Other", name="de"))
    with pytest.raises(DataFileError, match=r"intents.yaml:\d+: language: the file is 'en' but .*de.yaml"):
        load_catalogue({"kiss": "six_second_kiss"}, intents, other)


def rituals(*args: str, data: Path, **env: str) -> subprocess.CompletedProcess:
    import os
    return subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(data), *args], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **env})


def test_an_unknown_language_is_one_line_from_the_command_line_and_from_the_config(tmp_path):
    result = rituals("--language", "xx", "list", data=tmp_path)
    assert result.returncode == 2 and result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "Unknown language 'xx': use one of" in result.stderr
    config = tmp_path / "config.toml"
    config.write_text('language = "xx"\n', encoding="utf-8")
    result = rituals("--config", str(config), "list", data=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert f"{config}: language must be one of" in result.stderr and "en" in result.stderr


def test_an_engine_the_language_does_not_list_is_refused_and_auto_tries_only_its_engines(catalogue, tmp_path):
    import dataclasses

    from voice.errors import AudioError
    from voice.speech.engines import make_recognizer
    only_sphinx = dataclasses.replace(default_language(), name="Testish", engines=("pocketsphinx",))
    with pytest.raises(AudioError, match="The ctc engine does not understand Testish: use pocketsphinx"):
        make_recognizer("ctc", catalogue, None, None, tmp_path, only_sphinx)
    recognizer, note = make_recognizer("auto", catalogue, None, None, tmp_path, only_sphinx)
    assert recognizer.name == "pocketsphinx" and note.startswith("Listening with pocketsphinx")


def test_the_tts_voice_is_the_languages_own_and_a_missing_one_is_one_line():
    import dataclasses

    from voice.errors import AudioError
    from voice.speech.tts import Pyttsx3Voice
    assert Pyttsx3Voice()._voice_id.endswith("/en-us")              # espeak-ng's "gmw/en-us"
    korean_voice = dataclasses.replace(default_language(), code="xx", tts_voice="ko", tts_names=())
    assert Pyttsx3Voice(language=korean_voice)._voice_id == "ko"
    nowhere = dataclasses.replace(default_language(), code="xx", name="Nowhere", tts_voice="zz-none", tts_names=())
    with pytest.raises(AudioError, match="No Nowhere voice for text-to-speech"):
        Pyttsx3Voice(language=nowhere)


def test_calibrate_in_a_language_without_calibration_phrases_is_one_line_before_anyone_is_asked(tmp_path):
    # Korean has no calibration phrases yet: asking a Korean couple to say English commands would
    # score every phrase as misheard and teach the recogniser nothing.
    result = rituals("--language", "ko", "calibrate", data=tmp_path / "data")
    assert result.returncode == 2
    assert result.stderr.startswith("rituals: rituals calibrate has no Korean phrases yet")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert load_language("en").calibration is not None and load_language("ko").calibration is None
