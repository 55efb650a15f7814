"""Grammars for recognisers, built from the intent catalogue's templates (never hand-written).

Expanding every template gives tens of thousands of phrases (a flat grammar of them took 14 s to
compile and 90 s to decode in PocketSphinx here), so JSGF keeps hassil's template structure and
``{ritual}`` becomes one shared rule.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from hassil.expression import Alternative, Expression, ListReference, Permutation, Sequence, TextChunk
from hassil.parse_expression import parse_sentence

from voice.library.intents import Catalogue, Context
from voice.core.normalize import normalize

WordCheck = Callable[[str], bool]


def _jsgf(expr: Expression, known: WordCheck) -> str:
    if isinstance(expr, TextChunk):
        words = normalize(expr.original_text).split()
        if any(not known(w) for w in words):
            return "<VOID>"  # a word the engine cannot say makes this path impossible, not the grammar
        return " ".join(words)
    if isinstance(expr, ListReference):
        return f"<{expr.list_name}>"
    if isinstance(expr, Permutation):
        orders = [" ".join(_jsgf(item, known) for item in order) for order in itertools.permutations(expr.items)]
        return "( " + " | ".join(orders) + " )"
    if isinstance(expr, Alternative):
        items = [_jsgf(item, known) for item in expr.items]
        items = [i for i in items if i]
        if expr.is_optional:
            return "[ ( " + " | ".join(items) + " ) ]" if items else ""
        return "( " + " | ".join(items) + " )" if items else "<VOID>"
    if isinstance(expr, Sequence):
        return " ".join(part for part in (_jsgf(item, known) for item in expr.items) if part)
    raise ValueError(f"cannot express {type(expr).__name__} in JSGF")


def _without_optional_tail(expr: Expression) -> Expression:
    """The template without trailing optional words ("... [now|please|tonight]").

    In a grammar that forces every sound into some phrase, such tails give the decoder slack to
    absorb other speech: "let's do the dishes" came out as "let's do the kiss please".
    """
    if isinstance(expr, Sequence) and len(expr.items) > 1:
        last = expr.items[-1]
        if isinstance(last, Alternative) and last.is_optional:
            return Sequence(items=expr.items[:-1])
    return expr


def jsgf(catalogue: Catalogue, context: Context, known: WordCheck) -> str:
    """A JSGF grammar of ``context``: one public rule, alternatives per template."""
    bodies = []
    for _intent, template in catalogue.templates[context]:
        body = _jsgf(_without_optional_tail(parse_sentence(template).expression), known)
        if body and body != "<VOID>":
            bodies.append(body)
    lines = ["#JSGF V1.0;", f"grammar {context};", "public <utterance> = " + " | ".join(
        f"( {b} )" for b in bodies) + ";"]
    for name, values in catalogue.lists.items():  # one rule per list the templates use
        if any(f"<{name}>" in b for b in bodies):
            spoken = [v for v in values if all(known(w) for w in v.split())]
            lines.append(f"<{name}> = " + (" | ".join(spoken) if spoken else "<VOID>") + ";")
    return "\n".join(lines) + "\n"


def phrases(catalogue: Catalogue, context: Context) -> list[str]:
    """Every whole phrase of ``context`` (for engines whose grammar is a phrase list)."""
    return sorted(set(catalogue.texts[context]))
