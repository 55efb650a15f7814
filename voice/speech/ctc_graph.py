"""One CTC search graph per listening context, built from the intent templates (never hand-written).

hassil's template tree (alternatives, optionals, permutations, ``{list}`` slots) becomes a word graph;
every word becomes the phone chains of its pronunciations; the chains become CTC states (one state
per phone, one blank after each). ``best_path`` then finds, in one Viterbi pass over the acoustic
model's per-frame log-probabilities, the phrase of the context that explains the audio best, and its
score. A slot (the ritual's name) also holds a *garbage* path that matches any phones at a cost per
frame: "let's do the dishes" then goes through the garbage instead of being forced onto "let's do the
kiss", and the decision after it sees that no ritual was named.

Each ``{list}`` is one shared subgraph (one copy per template made the idle graph six times larger
and its search four times slower). A path may then enter the list from one template and leave it into
another's tail ("start the kiss tonight"): harmless, since the words still go through the matcher.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from hassil.expression import Alternative, Expression, ListReference, Permutation, Sequence, TextChunk
from hassil.parse_expression import parse_sentence

from voice.core.normalize import normalize
from voice.speech.pronounce import Pronunciation

GARBAGE = "<garbage>"
"""The word of the garbage path (any phones)."""
ENROLLED = "<enrolled>"
"""Prefix of the words of enrolled phrases; ``best_path`` gives back the phrase itself."""
GARBAGE_PHONES = 3
"""The garbage path is at least this many phones long: a one-phone garbage slipped into the gap of
an optional slot ("whats our <garbage> streak") and turned commands into rejections."""


class _WordGraph:
    """An epsilon-NFA over words: nodes are ints, arcs (src, dst, word or None)."""

    def __init__(self) -> None:
        self.count = 0
        self.arcs: list[tuple[int, int, str | None]] = []
        self._lists: dict[str, tuple[int, int]] = {}

    def node(self) -> int:
        self.count += 1
        return self.count - 1

    def add(self, expr: Expression, start: int, lists: dict[str, list[str]], garbage_slots: frozenset[str]) -> int:
        """Adds ``expr`` after node ``start``; returns its end node."""
        if isinstance(expr, TextChunk):
            node = start
            for word in normalize(expr.original_text).split():
                nxt = self.node()
                self.arcs.append((node, nxt, word))
                node = nxt
            return node
        if isinstance(expr, Sequence):
            node = start
            for item in expr.items:
                node = self.add(item, node, lists, garbage_slots)
            return node
        if isinstance(expr, Alternative):
            end = self.node()
            for item in expr.items:
                self.arcs.append((self.add(item, start, lists, garbage_slots), end, None))
            if expr.is_optional:
                self.arcs.append((start, end, None))
            return end
        if isinstance(expr, Permutation):
            end = self.node()
            for order in itertools.permutations(expr.items):
                self.arcs.append((self.add(Sequence(items=list(order)), start, lists, garbage_slots), end, None))
            return end
        if isinstance(expr, ListReference):
            if expr.list_name not in self._lists:
                entry, end = self.node(), self.node()
                for value in lists[expr.list_name]:
                    node = entry
                    for word in value.split():
                        nxt = self.node()
                        self.arcs.append((node, nxt, word))
                        node = nxt
                    self.arcs.append((node, end, None))
                if expr.list_name in garbage_slots:
                    self.arcs.append((entry, end, GARBAGE))
                self._lists[expr.list_name] = (entry, end)
            entry, end = self._lists[expr.list_name]
            after = self.node()
            self.arcs += [(start, entry, None), (end, after, None)]
            return after
        raise ValueError(f"cannot put {type(expr).__name__} into a search graph")


@dataclass(frozen=True)
class CtcGraph:
    """The CTC states of one context. State 0 is the leading blank; states ``1..E`` emit phones (or
    garbage); state ``E + s`` is the blank after phone state ``s``."""

    tokens: np.ndarray
    """(states, K) token ids each state may emit; padded with ``pad`` (a column that is always -inf)."""
    garbage: np.ndarray
    """Bool per state: the state emits any non-blank token, at a cost per frame."""
    arc_src: np.ndarray
    """Sources of every arc, sorted by destination."""
    arc_starts: np.ndarray
    """For each state, where its incoming arcs begin in ``arc_src``."""
    start: np.ndarray
    """States allowed in the first frame."""
    final: np.ndarray
    """States allowed in the last frame."""
    words: tuple[str | None, ...]
    """Per state: the word that entering it begins, or None (inside a word, a blank)."""
    pad: int
    """Token id of the padding column."""
    token_sets: np.ndarray
    """The distinct rows of ``tokens`` (a few hundred): emissions are computed once per set."""
    token_set_of: np.ndarray
    """Per state, its row in ``token_sets``."""


def build_graph(templates: list[str], lists: dict[str, list[str]], prons: dict[str, list[Pronunciation]],
                token_id: dict[str, int], blank: int, garbage_slots: frozenset[str] = frozenset({"ritual"}),
                personal: dict[str, list[Pronunciation]] | None = None) -> CtcGraph:
    """The graph of ``templates``; a word without a pronunciation makes its path impossible.
    ``personal``: whole phrases as someone said them at enrolment (phrase -> the phones heard), each
    one more path from start to end whose "word" is the phrase."""
    g = _WordGraph()
    root, final_node = g.node(), g.node()
    for template in templates:
        end = g.add(parse_sentence(template).expression, root, lists, garbage_slots)
        g.arcs.append((end, final_node, None))
    # Enrolled phrases get words of their own ("<enrolled>stop"), so a one-word phrase keeps the
    # dictionary's pronunciations of "stop" everywhere else in the templates.
    for phrase in personal or {}:
        g.arcs.append((root, final_node, ENROLLED + phrase))
    prons = {**prons, **{ENROLLED + phrase: chains for phrase, chains in (personal or {}).items()}}
    # Emitting phone states; word arcs become chains from their source node to their end node.
    state_tokens: list[tuple[int, ...]] = [(blank,)]
    state_words: list[str | None] = [None]
    is_garbage: list[bool] = [False]
    enter: dict[int, list[int]] = defaultdict(list)     # node -> first states of the words leaving it
    inner: list[tuple[int, int]] = []                   # state -> state within a word
    leave: dict[int, list[int]] = defaultdict(list)     # last state of a word -> its end node
    eps: dict[int, list[int]] = defaultdict(list)
    for src, dst, word in g.arcs:
        if word is None:
            eps[src].append(dst)
            continue
        chains = [((0,),) * GARBAGE_PHONES] if word == GARBAGE else prons.get(word, [])
        for chain in chains:
            prev = None
            for position, alternatives in enumerate(chain):
                state = len(state_tokens)
                ids = tuple(sorted({token_id[t] for t in alternatives if t in token_id})) if word != GARBAGE else (blank,)
                state_tokens.append(ids or (blank,))
                state_words.append(word if position == 0 else None)
                is_garbage.append(word == GARBAGE)
                if prev is None:
                    enter[src].append(state)
                else:
                    inner.append((prev, state))
                prev = state
            if prev is not None:
                leave[prev].append(dst)
    closure = _closures(g.count, eps)
    succ: dict[int, set[int]] = defaultdict(set)
    for a, b in inner:
        succ[a].add(b)
    for state, nodes in leave.items():
        for node in nodes:
            for reach in closure[node]:
                succ[state].update(enter.get(reach, ()))
    phones = len(state_tokens) - 1
    starts = sorted({s for node in closure[root] for s in enter.get(node, ())})
    finals = sorted({s for s, nodes in leave.items() if any(final_node in closure[n] for n in nodes)})
    arcs: list[tuple[int, int]] = [(0, 0)]
    arcs += [(0, s) for s in starts]
    for s in range(1, phones + 1):
        b = phones + s
        arcs += [(s, s), (s, b), (b, b)]
        for t in succ.get(s, ()):
            arcs.append((b, t))
            if state_tokens[s] != state_tokens[t] or is_garbage[s]:  # the same phone twice needs a blank between
                arcs.append((s, t))
    arcs.sort(key=lambda a: a[1])
    dst = np.array([d for _, d in arcs])
    total = 2 * phones + 1
    width = max(len(t) for t in state_tokens)
    pad = max(token_id.values()) + 1
    tokens = np.full((total, width), pad, dtype=np.int64)
    for s, ids in enumerate(state_tokens):
        tokens[s, :len(ids)] = ids
    tokens[phones + 1:, 0] = blank
    garbage = np.zeros(total, dtype=bool)
    garbage[:phones + 1] = is_garbage
    sets, set_of = np.unique(tokens, axis=0, return_inverse=True)
    return CtcGraph(tokens, garbage, np.array([s for s, _ in arcs]), np.searchsorted(dst, np.arange(total)),
                    np.array([0, *starts]), np.array(finals + [phones + s for s in finals]),
                    tuple(state_words) + (None,) * phones, pad, sets, set_of.reshape(-1))


def _closures(count: int, eps: dict[int, list[int]]) -> list[set[int]]:
    out = []
    for node in range(count):
        seen, todo = {node}, [node]
        while todo:
            for nxt in eps.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        out.append(seen)
    return out


@dataclass(frozen=True)
class Path:
    """The best phrase of a graph for some audio."""

    words: tuple[str, ...]
    """Its words (``GARBAGE`` where the garbage path was taken)."""
    score: float
    """Its log-probability (garbage costs included)."""
    phones: int = 0
    """How many phones it passes through (each entry into a phone state)."""
    emitted: np.ndarray | None = field(default=None, compare=False)
    """Per frame, the log-probability the path emitted there (``voice.speech.verify`` reads how it
    fits frame by frame)."""


def best_path(graph: CtcGraph, log_probs: np.ndarray, garbage_cost: float) -> Path | None:
    """Viterbi over ``graph`` for (frames, tokens) ``log_probs``; None when no phrase fits the frames."""
    frames = len(log_probs)
    if frames == 0:
        return None
    padded = np.concatenate([log_probs, np.full((frames, 1), -np.inf, dtype=log_probs.dtype)], axis=1)
    emit = padded[:, graph.token_sets].max(axis=2)[:, graph.token_set_of]
    if graph.garbage.any():
        blank = graph.tokens[0, 0]
        speech = np.delete(log_probs, blank, axis=1).max(axis=1) - garbage_cost
        emit[:, graph.garbage] = speech[:, None]
    total = len(graph.tokens)
    scores = np.empty((frames, total))
    first = np.full(total, -np.inf)
    first[graph.start] = emit[0, graph.start]
    scores[0] = first
    for t in range(1, frames):
        scores[t] = np.maximum.reduceat(scores[t - 1][graph.arc_src], graph.arc_starts) + emit[t]
    if len(graph.final) == 0:  # no phrase of the context can be said with these tokens
        return None
    end_state = graph.final[int(np.argmax(scores[-1][graph.final]))]
    best = float(scores[-1][end_state])
    if not np.isfinite(best):
        return None
    ends = np.append(graph.arc_starts[1:], len(graph.arc_src))
    states = [int(end_state)]
    for t in range(frames - 1, 0, -1):
        cur = states[-1]
        sources = graph.arc_src[graph.arc_starts[cur]:ends[cur]]
        states.append(int(sources[np.argmax(scores[t - 1][sources])]))
    states.reverse()
    entered = [s for prev, s in zip([-1, *states], states) if s != prev]
    words = [w.removeprefix(ENROLLED) for w in (graph.words[s] for s in entered) if w is not None]
    phones = sum(1 for s in entered if 0 < s < (len(graph.tokens) + 1) // 2)
    emitted = emit[np.arange(frames), states]
    return Path(tuple(w for w in words if w is not None), best, phones, emitted)
