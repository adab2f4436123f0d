"""Skill phrases of the referentials, for the items of a CV's skills list the taxonomy has no key for.

A CV lists its skills the short way ("dépannage", "prise de rendez-vous", "accompagnement à la
parentalité"); ROME compétences and ESCO labels say the same inside longer labels ("Réaliser un dépannage
sur une installation", "Gérer la prise de rendez-vous"). An item counts as a skill when its content words
appear, in order and next to each other, in a ROME compétence (``rome/competences_fr.tsv.gz``, built by
``offline.rome_competences``) or an ESCO French label or synonym. Only items of a skills list are tried:
the author says they are skills, the referential says the words name one.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from referentials.taxonomy.skill_index import stem
from referentials.taxonomy.text import phrase_words, slugify

COMPETENCES_FILE = Path("rome") / "competences_fr.tsv.gz"
_STOPWORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "ou",
        "par",
        "pour",
        "sur",
        "un",
        "une",
        "dans",
        "son",
        "sa",
        "ses",
        "leur",
        "leurs",
    ]
)
_MAX_WORDS = 5
_MIN_LETTERS = 4


def content_words(text: str) -> tuple[str, ...]:
    """Folded, singular content words: ``"Prise de rendez-vous"`` → ``("prise", "rendez", "vou")``."""
    return tuple(stem(w) for w in phrase_words(text) if w not in _STOPWORDS)


def load_competences(directory: Path) -> list[str]:
    """ROME compétence labels of ``directory`` (empty when the file is absent)."""
    path = directory / COMPETENCES_FILE
    if not path.exists():
        return []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [line.split("\t")[1] for line in fh.read().splitlines()[1:] if "\t" in line]


class SkillPhrases:
    """Word sequences of referential skill labels, looked up by their rarest word."""

    def __init__(self, labels: Iterable[str]) -> None:
        self._labels: list[tuple[str, ...]] = []
        self._postings: dict[str, list[int]] = defaultdict(list)
        seen: set[tuple[str, ...]] = set()
        for label in labels:
            words = content_words(label)
            if not words or words in seen:
                continue
            seen.add(words)
            index = len(self._labels)
            self._labels.append(words)
            for word in set(words):
                self._postings[word].append(index)

    def __len__(self) -> int:
        return len(self._labels)

    def find(self, item: str) -> tuple[str, str] | None:
        """``(key, label)`` for a skills-list item whose words a referential label holds, else None.

        Example:
            >>> SkillPhrases(["Réaliser un dépannage sur une installation"]).find("Dépannage")
            ('dépannage', 'Dépannage')
        """
        words = content_words(item)
        if not words or len(words) > _MAX_WORDS or not any(len(w) >= _MIN_LETTERS for w in words):
            return None
        if any(w.isdigit() for w in words):
            return None
        rarest = min(words, key=lambda w: len(self._postings.get(w, ())))
        n = len(words)
        for index in self._postings.get(rarest, ()):
            label = self._labels[index]
            if any(label[i : i + n] == words for i in range(len(label) - n + 1)):
                text = " ".join(item.split())
                return slugify(" ".join(words)), text[:1].upper() + text[1:]
        return None
