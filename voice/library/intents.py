"""The intent catalogue: phrase templates per intent, as data, expanded to whole phrases.

``load_catalogue(ritual_names, language=...)`` reads the language's intent file (``en.yaml``,
``ko.yaml`` next to this module, as its pack in ``intents/languages/`` names it; format in ``README.md``),
expands every template with hassil's parser and sampler, and fills ``{ritual}`` with every name and
alias of every ritual, so a new ritual file is startable by voice with no code change.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from hassil.errors import HassilError
from hassil.parser import ParseError
from hassil.parse_expression import parse_sentence
from hassil.sample import sample_expression

from voice.errors import DataFileError
from voice.library.language import Language, default_language
from voice.core.normalize import normalize
from voice.core.numbers import NumberWords
from voice.library.yamlio import LineDict, LineList, load_yaml

__all__ = ["Catalogue", "Phrase", "Context", "CONTEXTS", "load_catalogue"]

Context = Literal["idle", "turn"]
CONTEXTS: tuple[Context, ...] = ("idle", "turn")

#: Keeps a template typo (a dozen nested optionals) from expanding into millions of phrases.
MAX_PHRASES_PER_TEMPLATE = 5000


@dataclass(frozen=True)
class Phrase:
    """One whole phrase the matcher can recognise."""

    text: str
    """Normalised words (see ``voice.core.normalize``)."""
    intent: str
    """Intent it stands for."""
    slots: tuple[tuple[str, str], ...] = ()
    """Slot values it carries, e.g. ``(("ritual", "six_second_kiss"),)``."""


@dataclass(frozen=True)
class Catalogue:
    """All phrases, by context."""

    phrases: dict[str, tuple[Phrase, ...]]
    """Context -> phrases that may match in it (deduplicated)."""
    fillers: tuple[tuple[str, ...], ...] = ()
    """Hesitations (as word tuples) stripped at the ends of an utterance."""
    intents: frozenset[str] = field(default_factory=frozenset)
    """Every intent name in the file."""
    texts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Context -> the phrases' texts, in the same order (the matcher's search list, built once)."""
    vocabulary: tuple[str, ...] = ()
    """Every word of every phrase: typos and near-misses are corrected to these before matching."""
    templates: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    """Context -> (intent, template) pairs, for recognisers whose grammars keep the template structure."""
    lists: dict[str, dict[str, str]] = field(default_factory=dict)
    """List name -> {normalised spoken words: slot value}; ``ritual`` holds every ritual name."""
    numbers: NumberWords | None = None
    """The language's number words: what is heard is normalised as the phrases were."""
    lines: dict[str, int] = field(default_factory=dict)
    """Intent -> the line of the file it is defined on (for errors about it found later)."""
    framing: frozenset[str] = frozenset()
    """Words that only frame a request ("could", "you", "please", "now"): a command said inside
    nothing but these is that command (``voice.core.matcher``); empty turns that off."""
    by_text: dict[str, dict[str, tuple[Phrase, ...]]] = field(default_factory=dict)
    """Context -> phrase text -> its phrases: the matcher looks up the spans of an utterance here."""


def _expand(template: str, path: str, line: int) -> list[str]:
    try:
        sentence = parse_sentence(template)
        out: list[str] = []
        for text in sample_expression(sentence.expression, expand_lists=False):
            out.append(text)
            if len(out) > MAX_PHRASES_PER_TEMPLATE:
                raise DataFileError(path, f"template expands to over {MAX_PHRASES_PER_TEMPLATE} "
                                    "phrases: split it", line)
        return out
    except (HassilError, ParseError, ValueError, IndexError) as exc:  # ParseError is not a HassilError
        raise DataFileError(path, f"cannot parse template '{template}': {exc}", line) from exc


def _fill_lists(raw: str, lists: dict[str, dict[str, str]], path: str, line: int,
                numbers: NumberWords | None = None) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """Every filling of the ``{list}`` references in ``raw``, normalised, with the slot values it carries.

    The template is normalised once with a placeholder word per list and the (already normalised)
    spoken values are put in afterwards: normalising each of the tens of thousands of filled phrases
    anew was most of the time a typed ``rituals understand`` took. Where a reference is glued to
    other characters ("{ritual}'s") the placeholder does not survive as a word, and each filling is
    normalised whole, as before.
    """
    used = [name for name in lists if "{" + name + "}" in raw]
    unknown = set(re.findall(r"\{(\w+)\}", raw)) - set(lists)
    if unknown:
        raise DataFileError(path, f"unknown list {{{sorted(unknown)[0]}}} (define it under 'lists')", line)
    marks = {name: f"zzslot{chr(ord('a') + i)}zz" for i, name in enumerate(used)}
    marked = raw
    for name, mark in marks.items():
        marked = marked.replace("{" + name + "}", mark)
    template = normalize(marked, numbers)
    whole = all(f" {mark} " in f" {template} " for mark in marks.values())
    out = []
    for combo in itertools.product(*(lists[name].items() for name in used)):
        text = template if whole else raw
        for name, (spoken, _value) in zip(used, combo):
            text = text.replace(marks[name] if whole else "{" + name + "}", spoken)
        out.append((" ".join(text.split()) if whole else normalize(text, numbers),
                    tuple((name, value) for name, (_spoken, value) in zip(used, combo))))
    return out


def load_catalogue(ritual_names: dict[str, str], path: Path | None = None,
                   language: Language | None = None) -> Catalogue:
    """Load the intent file of ``language`` (default: the default language) or ``path``, filling
    ``{ritual}`` from ``ritual_names`` (spoken name -> ritual id)."""
    language = language or default_language()
    path = path or language.intents
    numbers = language.numbers
    p = str(path)
    data = load_yaml(path)
    if not isinstance(data, LineDict) or not isinstance(data.get("intents"), LineDict):
        raise DataFileError(p, "must have an 'intents' mapping", getattr(data, "line", None))
    if data.get("language", language.code) != language.code:  # an English file under a Korean pack
        raise DataFileError(p, f"language: the file is '{data['language']}' but {language.path} names it "
                            f"for '{language.code}': fix one of them", data.line_of("language"))
    fillers = data.get("fillers", [])
    if not isinstance(fillers, list) or not all(isinstance(f, str) for f in fillers):
        raise DataFileError(p, "fillers: must be a list of words", data.line_of("fillers"))
    framing = data.get("framing", [])
    if not isinstance(framing, list) or not all(isinstance(f, str) and len(f.split()) == 1 for f in framing):
        raise DataFileError(p, "framing: must be a list of single words", data.line_of("framing"))
    names = {normalize(name, numbers): rid for name, rid in ritual_names.items()}
    lists: dict[str, dict[str, str]] = {"ritual": names}
    raw_lists = data.get("lists") or LineDict()
    if not isinstance(raw_lists, LineDict):
        raise DataFileError(p, "lists: must map a list name to {spoken: value}", data.line_of("lists"))
    for list_name, values in raw_lists.items():
        if list_name == "ritual" or not isinstance(values, LineDict) or not values:
            raise DataFileError(p, f"lists.{list_name}: must be a non-empty mapping of spoken words to values "
                                "('ritual' is filled from the ritual files)", raw_lists.line_of(list_name))
        lists[list_name] = {normalize(k, numbers): str(v) for k, v in values.items()}
    by_context: dict[str, dict[tuple[str, str, tuple[tuple[str, str], ...]], Phrase]] = {
        c: {} for c in CONTEXTS}
    templates: dict[str, list[tuple[str, str]]] = {c: [] for c in CONTEXTS}
    intents: LineDict = data["intents"]
    for name, body in intents.items():
        line = intents.line_of(name)
        if not isinstance(body, LineDict):
            raise DataFileError(p, f"intents.{name}: must have 'contexts' and 'sentences'", line)
        contexts = body.get("contexts")
        if not isinstance(contexts, list) or not contexts or not set(contexts) <= set(CONTEXTS):
            raise DataFileError(p, f"intents.{name}.contexts: must list idle and/or turn", body.line_of("contexts"))
        sentences = body.get("sentences")
        if not isinstance(sentences, LineList) or not sentences:
            raise DataFileError(p, f"intents.{name}.sentences: must be a non-empty list", body.line_of("sentences"))
        for template, t_line in zip(sentences, sentences.item_lines):
            if not isinstance(template, str) or not template.strip():
                raise DataFileError(p, f"intents.{name}.sentences: each sentence must be text", t_line)
            for context in contexts:
                templates[context].append((name, template))
            for raw in _expand(template, p, t_line):
                for norm, slots in _fill_lists(raw, lists, p, t_line, numbers):
                    if not norm:
                        continue
                    for context in contexts:
                        by_context[context].setdefault((norm, name, slots), Phrase(norm, name, slots))
    phrases = {c: tuple(found.values()) for c, found in by_context.items()}
    return Catalogue(
        phrases,
        tuple(tuple(normalize(f, numbers).split()) for f in fillers if normalize(f, numbers)),
        frozenset(intents),
        {c: tuple(ph.text for ph in found) for c, found in phrases.items()},
        tuple(sorted({w for found in phrases.values() for ph in found for w in ph.text.split()})),
        {c: tuple(found) for c, found in templates.items()},
        lists,
        numbers,
        {name: intents.line_of(name) for name in intents},
        frozenset(normalize(f, numbers) for f in framing if normalize(f, numbers)),
        {c: _by_text(found) for c, found in phrases.items()},
    )


def _by_text(phrases: tuple[Phrase, ...]) -> dict[str, tuple[Phrase, ...]]:
    out: dict[str, list[Phrase]] = {}
    for phrase in phrases:
        out.setdefault(phrase.text, []).append(phrase)
    return {text: tuple(found) for text, found in out.items()}
