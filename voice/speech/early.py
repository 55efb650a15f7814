"""A decision at the first pause of an utterance, for the commands that must act at once ("stop").

The listener (``voice.device.listen``) normally waits for the end of speech, 0.5 s of silence, before
it asks for the recogniser's decision. For a command that must act at once that wait is most of the
reaction time; the endpointer announces a pause after 0.2 s of silence already, with every sample the
recogniser will get sent. A recogniser that can say, then, that it is *sure* of such a command lets
the utterance end there (``early``). Sure means the fused rule's fast path (``fusion.decide``'s
``sure``: the scorer alone, confident) or its ``agree`` path: the second opinion (Whisper), which the
fused stage already runs at this pause wherever the rule wants it (``FusedRecognizer.prepare``),
names the same command. Nothing is started for it here. Anything short of that waits for the end as
before. During a ritual the fast path takes only what the scorer's verifier is sure of
(``FusionSettings.turn.sure``, ``voice.speech.verify``): longer phrases ("stop the ritual", "let's
stop here", "stop everything") are decided at the pause; the bare "stop", which the verifier cannot
tell from a fragment of someone else's sentence (0.58-0.68 on the test suite's voices against 0.9),
is decided at the pause when Whisper, prepared there, heard it too.

The phrase decided must also be the whole of what the person may be saying: when another command of
the context begins with it ("stop" and "stop the reminders" between rituals), the words after the
pause could still change its meaning, so it waits for the end too.
"""

from __future__ import annotations

from collections.abc import Callable

from voice.core.matcher import Match
from voice.library.intents import Catalogue
from voice.speech.recognizer import Hypothesis

EARLY_PATHS = frozenset({"sure", "agree"})
"""The rule's paths that may act at the pause: the scorer sure, or the scorer and the second opinion
naming the same command. Not the evidence or own-words paths, which weigh a lone reading."""
Decision = Callable[[], tuple[Match | None, str]]
"""The fused rule over the utterance so far, with whatever second opinion is prepared: (match, path)."""


def decided_early(decision: Decision, scored: Hypothesis, context: str, catalogue: Catalogue,
                  intents: frozenset[str]) -> Hypothesis | None:
    """The hypothesis to act on at the pause, or None to wait for the end of speech. ``scored``: the
    scorer's pass over the audio so far (what ``decision`` decides on)."""
    if not intents:
        return None
    # The recogniser's ``decision`` reads a second opinion only if one was prepared at this pause;
    # else the rule answers "alone" and the utterance waits for the end, where it is asked as usual.
    match, path = decision()
    if match is None or path not in EARLY_PATHS or match.intent not in intents:
        return None
    phrase = match.phrase or match.text
    if continues(catalogue, context, phrase, match.intent):
        return None
    return Hypothesis(phrase, detail={**scored.detail, "path": path, "early": True})


def continues(catalogue: Catalogue, context: str, phrase: str, intent: str) -> bool:
    """Whether a phrase of another intent in ``context`` begins with the words of ``phrase``."""
    prefix = phrase + " "
    return any(p.intent != intent and p.text.startswith(prefix) for p in catalogue.phrases.get(context, ()))
