"""Text -> intent: the pure core of understanding (``recognize``).

Every recogniser hypothesis and every typed line goes through here; recogniser confidences are not
trusted. The utterance is normalised, hesitations are trimmed from its ends, near-miss words are
corrected to the catalogue's vocabulary, and it is compared as a whole with every whole phrase of the
context. The score is the mean of a character-level and a word-level similarity (rapidfuzz's
normalised Indel ``ratio`` over characters, then over words): characters forgive spelling, words stop
"let's do the dishes" from passing for "let's do the kiss". Whole-utterance comparison is what keeps
"I'm done with that project" from ending a turn: it shares "im done" but is far from it as a whole.
No match is a value, ``None``.

People also put a command in their own framing ("could you stop please", "let's skip this one",
"I'd love a six second kiss"). When no whole phrase is close enough, the utterance is taken as the
command it *contains* when every other word of it only frames a request (the language's ``framing``
words: "could", "you", "please", "now"...) and nothing else is said. One content word outside the
phrase ("that's it for the *garden* this year", "hold on to your *hat*") and it is somebody's sentence, not
a command. A ritual's name on its own counts as a phrase of starting it ("I'd love a six second
kiss").
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from voice.library.intents import Catalogue, Context
from voice.core.normalize import normalize


@dataclass(frozen=True)
class MatchSettings:
    """Where the matcher draws its lines; defaults tuned on the tests' paraphrases and distractors."""

    idle_threshold: float = 84.0
    """Lowest similarity (0-100) accepted between rituals, where a false start is a nuisance."""
    turn_threshold: float = 88.0
    """Lowest similarity accepted while a partner talks: interrupting them is worse than missing."""
    margin: float = 6.0
    """A different intent (or ritual) scoring within this of the best makes the utterance ambiguous."""
    short_chars: int = 4
    """Utterances this short or shorter ("top", "no", "ok") must match a phrase exactly. Counted in
    letters (``letters``): a Hangul syllable is the two or three letters it is written with."""
    min_chars: int = 2
    """Anything shorter (a single letter, a cough transcribed as "a") is never a command."""
    candidates: int = 60
    """How many best phrases (by characters) are rescored and checked for a near-tie."""
    spelling: float = 80.0
    """A word outside the vocabulary this close (0-100) to a vocabulary word is taken as that word."""
    framed_letters: int = 4
    """A command found inside framing words must have at least this many letters: "no" or "ok"
    inside "oh no you can" is too little to go on."""
    framed_score: float = 95.0
    """The score given to a command found inside framing words (a whole-phrase match scores by its
    similarity): the fused stage's ``own_words`` line decides whether such a reading alone is taken."""


@dataclass(frozen=True)
class Match:
    """What an utterance was understood as."""

    intent: str
    """Intent name, e.g. ``start_ritual`` or ``stop``."""
    slots: dict[str, str] = field(default_factory=dict)
    """Slot values, e.g. ``{"ritual": "six_second_kiss"}``."""
    score: float = 100.0
    """Similarity (0-100) with the matched phrase."""
    phrase: str = ""
    """The catalogue phrase it matched (normalised)."""
    text: str = ""
    """The utterance after normalisation."""


def _strip_fillers(words: list[str], fillers: tuple[tuple[str, ...], ...]) -> list[str]:
    changed = True
    while changed and words:
        changed = False
        for filler in fillers:
            n = len(filler)
            if n < len(words) and tuple(words[:n]) == filler:
                words, changed = words[n:], True
            elif n < len(words) and tuple(words[-n:]) == filler:
                words, changed = words[:-n], True
    return words


def _correct(words: list[str], vocabulary: tuple[str, ...], cutoff: float, keep: frozenset[str] = frozenset()) -> list[str]:
    """``words`` with near-misses of vocabulary words corrected; ``keep`` (the framing words) are
    words in their own right ("think" is not a misheard "thank")."""
    known = set(vocabulary) | keep
    out = []
    for word in words:
        if word not in known and word.endswith("s") and word[:-1] in known:
            word = word[:-1]  # a plural of a catalogue word: "check ins", "kisses" stay understood
        elif word not in known and len(word) >= 4:
            best = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff)
            word = best[0] if best else word
        out.append(word)
    return out


def letters(text: str) -> int:
    """How many letters ``text`` has, spaces and accents aside: "네" (yes) is ㄴ + ㅔ, two, like "no",
    where counting characters would make one syllable as short as the letter "a"."""
    return sum(1 for c in unicodedata.normalize("NFD", text) if not c.isspace() and not unicodedata.combining(c))


def prepare(text: str, catalogue: Catalogue, settings: MatchSettings | None = None) -> str:
    """The form of ``text`` that is compared: normalised, hesitations trimmed, spelling corrected."""
    settings = settings or MatchSettings()
    words = _strip_fillers(normalize(text, catalogue.numbers).split(), catalogue.fillers)
    return " ".join(_correct(words, catalogue.vocabulary, settings.spelling, catalogue.framing))


def recognize(text: str, catalogue: Catalogue, context: Context = "idle",
              settings: MatchSettings | None = None) -> Match | None:
    """Understand ``text`` in ``context``; ``None`` when it is not clearly one command."""
    settings = settings or MatchSettings()
    utterance = prepare(text, catalogue, settings)
    if letters(utterance) < settings.min_chars:
        return None
    return _whole(utterance, catalogue, context, settings) or _framed(utterance, catalogue, context, settings)


def _framed(utterance: str, catalogue: Catalogue, context: Context, settings: MatchSettings) -> Match | None:
    """The command ``utterance`` contains when all its other words are framing (module docstring)."""
    if not catalogue.framing:
        return None
    words = utterance.split()
    phrases = catalogue.by_text.get(context, {})
    names = catalogue.lists.get("ritual", {}) if context == "idle" and "start_ritual" in catalogue.intents else {}
    found: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}  # command -> its longest phrase inside
    for start in range(len(words)):
        for end in range(start + 1, len(words) + 1):
            rest = words[:start] + words[end:]
            text = " ".join(words[start:end])
            if not rest or letters(text) < settings.framed_letters or not all(w in catalogue.framing for w in rest):
                continue
            commands = [(p.intent, p.slots) for p in phrases.get(text, ())]
            commands += [("start_ritual", (("ritual", names[text]),))] if text in names else []
            for command in commands:
                if len(text) > len(found.get(command, "")):
                    found[command] = text
    if not found:
        return None
    longest = max(len(t.split()) for t in found.values())
    winners = [key for key, t in found.items() if len(t.split()) == longest]
    if len(winners) > 1:  # two commands fit the same words: not clearly one
        return None
    intent, slots = winners[0]
    return Match(intent, dict(slots), settings.framed_score, found[winners[0]], utterance)


def _whole(utterance: str, catalogue: Catalogue, context: Context, settings: MatchSettings) -> Match | None:
    """The whole phrase ``utterance`` is closest to, when it is close enough and not ambiguous."""
    phrases = catalogue.phrases[context]
    threshold = settings.idle_threshold if context == "idle" else settings.turn_threshold
    if letters(utterance) + utterance.count(" ") <= settings.short_chars:  # spaces count here, as they always did
        threshold = 100.0
    # The word score can only lower the mean, so a phrase below threshold by characters is out.
    found = process.extract(utterance, catalogue.texts[context], scorer=fuzz.ratio,
                            limit=settings.candidates, score_cutoff=max(0.0, threshold - settings.margin))
    words = utterance.split()
    scored = sorted(((score + fuzz.ratio(words, phrases[i].text.split())) / 2, i) for _, score, i in found)
    if not scored or scored[-1][0] < threshold:
        return None
    best_score, best_index = scored[-1]
    best = phrases[best_index]
    # An utterance that is exactly a phrase is that phrase, unless it is exactly another one too.
    margin = 0.0 if best_score >= 100.0 else settings.margin
    for score, index in reversed(scored[:-1]):
        rival = phrases[index]
        if score < best_score - margin:
            break
        if (rival.intent, rival.slots) != (best.intent, best.slots):
            return None
    return Match(best.intent, dict(best.slots), round(best_score, 1), best.text, utterance)
