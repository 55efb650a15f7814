"""Pronunciations for the phoneme scorer: words -> sequences of the acoustic model's IPA tokens.

The acoustic model (hama's phoneme CTC model) emits IPA tokens. Its own G2P gets short English words
wrong ("I" -> i, "one" -> o n e, "do" -> d̪ o), so the CMU pronouncing dictionary that ships with
PocketSphinx is the first source, mapped phone by phone to the IPA tokens the model emits for English
(read off its output on synthesised speech). A dictionary phone maps to a *set* of tokens: the model
hears an unstressed AH as ə and a stressed one as ʌ, and the dictionary has no stress marks.
hama's G2P gives a second pronunciation of every word: the acoustic model was trained on its labels
and often emits them ("yes" as ɟ ʝ e s, "let's" with a dental t̪), so both paths are searched. G2P
costs about 18 ms a word, so the pronunciations of the shipped vocabulary are kept in
``intents/g2p-en.json`` (``python -m voice.speech.pronounce`` writes it); only new words (a custom
ritual's name) are computed at load.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path

G2P_CACHE = Path(importlib.util.find_spec("intents").origin).parent / "g2p-en.json"  # type: ignore[arg-type]
"""The shipped pronunciations, beside the intent file whose words they are."""

#: CMU (ARPAbet, no stress) -> the IPA tokens the model may emit for it.
ARPABET: dict[str, tuple[str, ...]] = {
    "AA": ("ɑ", "a", "ɒ"), "AE": ("æ", "a", "ɛ"), "AH": ("ʌ", "ə", "ɐ"), "AO": ("ɔ", "ɑ", "ɒ"),
    "AW": ("aʊ",), "AY": ("aɪ",), "B": ("b",), "CH": ("t͡ʃ",), "D": ("d",), "DH": ("ð", "d"),
    "EH": ("ɛ", "e"), "ER": ("ɝ", "ɚ", "ɜ"), "EY": ("eɪ", "e"), "F": ("f",), "G": ("ɡ", "g"),
    "HH": ("h",), "IH": ("ɪ", "i"), "IY": ("i",), "JH": ("d͡ʒ",), "K": ("k",), "L": ("l", "ɫ"),
    "M": ("m",), "N": ("n",), "NG": ("ŋ",), "OW": ("oʊ", "o"), "OY": ("ɔɪ",), "P": ("p",),
    "R": ("ɹ", "r"), "S": ("s",), "SH": ("ʃ",), "T": ("t",), "TH": ("θ",), "UH": ("ʊ",),
    "UW": ("u",), "V": ("v",), "W": ("w",), "Y": ("j",), "Z": ("z",), "ZH": ("ʒ",),
}

Pronunciation = tuple[tuple[str, ...], ...]
"""One way to say a word: per position, the set of tokens that count."""


def cmu_dictionary_path() -> str:
    from pocketsphinx import get_model_path
    return os.path.join(get_model_path(), "en-us", "cmudict-en-us.dict")


@functools.lru_cache(maxsize=4)
def _cmu(words: frozenset[str], path: str) -> dict[str, list[list[str]]]:
    """The dictionary entries of ``words`` (and their apostrophe spellings), read in one pass."""
    wanted = set(words) | {_apostrophe_free(w) for w in words} | {w[:-1] for w in words if w.endswith("s")}
    found: dict[str, list[list[str]]] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            head, _, phones = line.partition(" ")
            word = head.split("(")[0]
            key = _apostrophe_free(word)
            if key in wanted:
                found.setdefault(key, []).append(phones.split())
    return found


def _apostrophe_free(word: str) -> str:
    # The catalogue's words are normalised without apostrophes ("lets", "thats", "im").
    return word.replace("'", "")


def _plural(word: str, cmu: dict[str, list[list[str]]]) -> list[list[str]]:
    base = cmu.get(word[:-1], []) if word.endswith("s") else []
    return [p + ["Z"] for p in base]


@functools.lru_cache(maxsize=1)
def _g2p_cache() -> dict[str, str]:
    try:
        data = json.loads(G2P_CACHE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # missing or damaged: every word is computed (slower to load, same result)
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(data, dict) else {}


def g2p(word: str) -> str:
    """hama's IPA for ``word`` (from the shipped cache when it is there)."""
    cached = _g2p_cache().get(word)
    return cached if cached is not None else _g2p_model().predict(word).ipa


def _g2p_tokens(word: str, vocabulary: frozenset[str]) -> list[str]:
    return tokens_of(g2p(word), vocabulary, keep_marks=True)


@functools.lru_cache(maxsize=1)
def _g2p_model():  # noqa: ANN202 - hama.G2PModel, created only when a word is missing from the dictionary
    from hama import G2PModel
    return G2PModel()


def tokens_of(ipa: str, vocabulary: Iterable[str], keep_marks: bool = False) -> list[str]:
    """An IPA string cut into the model's tokens, longest first ("t͡ʃ" is one token). The model emits
    some diacritics as tokens of their own (the dental mark of t̪): ``keep_marks`` keeps them."""
    vocab = sorted(set(vocabulary), key=len, reverse=True)
    text = unicodedata.normalize("NFC", ipa.replace(" ", ""))
    out, i = [], 0
    while i < len(text):
        for token in vocab:
            if token and text.startswith(token, i):
                out.append(token)
                i += len(token)
                break
        else:
            i += 1  # a mark the model has no token for (stress, length): it carries no phone
    return out if keep_marks else [t for t in out if not unicodedata.combining(t[0])]


def pronunciations(words: Iterable[str], vocabulary: frozenset[str],
                   path: str | None = None) -> dict[str, list[Pronunciation]]:
    """Every way to say each word, as token sets per position; a word nobody can say maps to []."""
    words = frozenset(words)
    cmu = _cmu(words, path or cmu_dictionary_path())
    out: dict[str, list[Pronunciation]] = {}
    for word in words:
        entries = cmu.get(word) or _plural(word, cmu)
        prons = [tuple(ARPABET[p] for p in entry if p in ARPABET) for entry in entries]
        tokens = _g2p_tokens(word, vocabulary)
        if tokens:
            prons.append(tuple((t,) for t in tokens))
        out[word] = [p for p in dict.fromkeys(prons) if p]
    return out


def write_cache(words: Iterable[str]) -> int:
    """Writes hama's IPA of ``words`` to ``G2P_CACHE``; returns how many."""
    entries = {w: _g2p_model().predict(w).ipa for w in sorted(set(words))}
    G2P_CACHE.write_text(json.dumps(entries, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    return len(entries)


if __name__ == "__main__":  # python -m voice.speech.pronounce: refresh the cache for the shipped data
    from voice.library.intents import load_catalogue
    from voice.library.rituals import load_library
    catalogue = load_catalogue(load_library().spoken_names())
    vocab = set(catalogue.vocabulary) | {w for v in catalogue.lists.values() for name in v for w in name.split()}
    print(f"{write_cache(vocab)} words written to {G2P_CACHE}", file=sys.stderr)
