"""Long messages: the planner reads the sentences that carry the request, not the whole story.

A 5,000-character message ("je vous écris parce que…" and, somewhere, "je cherche un poste de cariste en CDI
près de Lille") used to be cut at a fixed length, losing a request written at the end, and every word of the
story became search text. Above ``LONG_MESSAGE_CHARS`` the message is split into sentences, each scored by
the request cues it holds (an asking verb, a contract, a place, a salary, experience words), and only the
best-scoring sentences, with any other sentence stating a constraint, are kept in their order within
``limit``.
"""

from __future__ import annotations

import re

from domain.text import fold

LONG_MESSAGE_CHARS = 600
_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;\n]*")
_ASKING = re.compile(
    r"\b(?:je (?:re)?cherche|je voudrais|je veux|je souhaite|je suis a la recherche|trouve[sz]?[- ]moi"
    r"|looking for|i (?:want|need|would like)|find me|show me|search(?:ing)? for)\b"
)
# Place names keep their capital letter: this cue reads the sentence as written.
_PLACE = re.compile(r"(?:^|\s)(?:à|a|au|près de|pres de|autour de|vers|en|sur|in|near)\s+[A-ZÉÎ][\w'-]+")
_CUES = (
    re.compile(r"\b(?:cdi|cdd|interim|alternance|saisonnier|freelance|stage|permanent|temp work)\b"),
    re.compile(r"\b\d+\s*km\b|\b\d[\d .]*\s*(?:k|€|euros?)"),
    re.compile(
        r"\b(?:debutante?|junior|senior|confirmee?|experimentee?|\d+ ans d'experience|teletravail|remote)\b"
    ),
    re.compile(r"\b(?:poste|emploi|job|travail|metier|offres?) (?:de|d'|comme|as)\b"),
)


def _cues(sentence: str) -> int:
    """How many kinds of constraint a sentence states (contract, place, money or distance, experience, job)."""
    folded = fold(sentence)
    return sum(1 for cue in _CUES if cue.search(folded)) + (1 if _PLACE.search(sentence) else 0)


def _asks(sentence: str) -> bool:
    return _ASKING.search(fold(sentence)) is not None


def bound_message(text: str, limit: int) -> str:
    """``text`` itself when short; otherwise its best request sentences, in order, at most ``limit`` chars.

    >>> story = "Je vous écris car ma situation a changé. " * 30
    >>> bound_message(story + "Je cherche un CDI de cariste près de Lille.", 2000)
    'Je cherche un CDI de cariste près de Lille.'
    """
    if len(text) <= LONG_MESSAGE_CHARS:
        return text
    sentences = [m.group(0).strip() for m in _SENTENCE.finditer(text) if m.group(0).strip()]
    cues = [_cues(s) for s in sentences]
    scores = [2 * _asks(s) + c for s, c in zip(sentences, cues, strict=True)]
    best = max(scores, default=0)
    if best == 0:
        return text[:limit]
    kept: list[str] = []
    size = 0
    # The best request sentence, and any other sentence that states a constraint ("Je suis à Lyon."): a
    # request spread over sentences keeps its parts, the story around it does not.
    for sentence, score, cue in zip(sentences, scores, cues, strict=True):
        if (score == best or cue > 0) and size + len(sentence) + 1 <= limit:
            kept.append(sentence)
            size += len(sentence) + 1
    return " ".join(kept) or text[:limit]
