"""Language as data: a pack in ``languages/`` chooses number words, durations, intents and prompts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from voice.errors import ConfigError, DataFileError
from voice.language import codes, default_language, load_language, read_language
from voice.normalize import normalize

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
    from intents import load_catalogue
    intents = tmp_path / "intents.yaml"
    intents.write_text(default_language().intents.read_text(encoding="utf-8"), encoding="utf-8")
    other = read_language(pack(tmp_path, "name: English", "name: Other", name="de"))
    with pytest.raises(DataFileError, match=r"intents.yaml:\d+: language: the file is 'en' but .*de.yaml"):
        load_catalogue({"kiss": "six_second_kiss"}, intents, other)
