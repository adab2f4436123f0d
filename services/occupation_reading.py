"""What occupation a request, a title or a CV names: ROME codes, their families, a label, a confidence.

``read_occupation`` is how every door reads one (a search's text, a CV's title, a recruiter's request): an
exact ROME appellation wins; a kind of job (« technicien ») is none; otherwise the occupation classifier's
guesses, grouped by ROME family, checked against the appellations the words name, and read again in French
words (an English title) or in the masculine (a feminine one) when only that reading is sure. ``Occupation``
grades a ROME code against the reading (``OccupationGrade``); ``services.ranking`` turns grades into the
0–100 users see.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, Protocol

from referentials.occupation.english import french_role, french_title, reads_as_english
from referentials.taxonomy.rome import content_words
from scoring.seeker import RomeFinder
from store.models import OfferRow

if TYPE_CHECKING:
    from referentials.occupation import OccupationGuess

OccupationGrade = Literal["same_code", "same_title", "same_family", "same_domain", "unrelated", "unknown"]
MATCH_GRADES: frozenset[OccupationGrade] = frozenset({"same_code", "same_title", "same_family"})
SAME_OCCUPATION: frozenset[OccupationGrade] = frozenset({"same_code", "same_title"})
"""Grades that answer the request itself (a "nothing matches" is said when no result has one)."""


OCCUPATION_CONFIDENCE = 0.6
"""A request's occupation is trusted (and unrelated offers dropped) from this ROME match score on."""
OCCUPATION_WEAK = 0.3
"""Below this, the classifier's reading is ignored: the calibrated scorer alone decides."""
NEAR_TOP = 0.08
"""ROME codes scoring within this of the best one are the request's occupations too."""
SHORT_REQUEST = 4
"""A request of at most this many content words, none naming an occupation, needs an offer's title to say
one of them (a CV's longer text does not)."""
INFERRED_CONFIDENCE = 0.5
"""An occupation read from the best results' titles, or agreed on by two weak readings: below
``OCCUPATION_CONFIDENCE``, so never trusted."""
AGREED_MARGIN = 0.15
"""How far ahead of any other code's the words must name an appellation for two weak readings to agree."""
UNSURE = round(OCCUPATION_CONFIDENCE - 0.01, 2)
"""The confidence of a reading that ranks offers but is never trusted."""
TITLE_EVIDENCE = 3
"""Best results whose titles share the request's words, and share one ROME code, to infer it."""


@dataclass(frozen=True)
class Occupation:
    """The occupations a request names: ROME codes, their families, the best label, and the confidence.

    ``confidence`` is the probability mass of the accepted families (1.0 for an exact ROME appellation).
    """

    codes: tuple[str, ...]
    label: str
    confidence: float
    families: tuple[str, ...] = ()
    broad: bool = False
    """The family is sure but not the code ("développeur python": several M18 codes): its codes rank alike."""
    named: tuple[str, ...] = ()
    """When set, the codes that are the asked occupation itself ("même métier"); the other ``codes`` are
    retrieved and ranked alike but read « métier proche » ("nurse": infirmier, not aide-soignant)."""

    @property
    def asked(self) -> tuple[str, ...]:
        """The codes that are the asked occupation itself (« même métier »)."""
        return self.named or self.codes

    @property
    def trusted(self) -> bool:
        return bool(self.codes) and self.confidence >= OCCUPATION_CONFIDENCE

    def grade(self, code: str | None) -> OccupationGrade:
        if not self.codes or not code:
            return "unknown"
        if code in self.codes:
            return "same_code" if not self.named or code in self.named else "same_family"
        if code[:3] in (self.families or (self.codes[0][:3],)):
            return "same_family"
        if code[:1] in {f[:1] for f in (self.families or self.codes)}:
            return "same_domain"
        return "unrelated"


NO_OCCUPATION = Occupation((), "", 0.0)
EXACT = 0.999
"""A ``find_codes`` score this high is an exact ROME appellation ("cariste", "serveur")."""
FAMILY_SHARE = 0.2
"""A family carrying at least this share of the classifier's probability is one of the request's."""
BROAD = 0.5
"""Below this probability for its best code, a reading is of a family rather than of one occupation."""
CODE_SHARE = 0.08
"""A ROME code carrying at least this probability is one of the request's occupations."""
NAMING = 12
"""ROME codes whose appellations are compared with the request's words."""
CO_READING = 0.5
"""Without words naming an appellation, a likely code at least this share of the best one's probability is
the asked occupation too."""
LIKELIER = 2.0
"""An unsure reading is named by a near-top appellation this many times likelier than the best-named one."""
NAMED_SHARE = 0.03
"""A code the request's words name (an appellation's ``find_codes`` score ≥ ``NAMED``) in one of the
read families joins the request's occupations from this classifier probability on."""
WORDED = 0.8
"""A ``find_codes`` score this high: the request's words are nearly an appellation ("chargé de recrutement IT")."""
NAMED_BETTER = 0.3
"""… and name it this much better than the classifier's first guess (« chargé » alone names « Chargé de
recherche » at 0.41)."""
RELATED_GUESSES = 8
"""The classifier's guesses read for the occupations nearest to the asked one (``OfferRanker.related``)."""
RELATED_SHARE = 0.01
"""A guess this likely, of the asked occupation's family, is a near occupation."""
NAMED = 0.5
"""From this ``find_codes`` score a likely code other than the best one is the asked occupation too (its
appellations share the request's words: "développeur" names web and software developers); below, a
likely code is a related one ("nurse" read as infirmier, with aide-soignant likely but not named)."""


class RomeWords(RomeFinder, Protocol):
    """``referentials.taxonomy.RomeReferential``: appellations for words, and the words too generic to name one."""

    def generic(self, text: str) -> bool: ...

    def masculine(self, text: str) -> str: ...

    def label(self, code: str) -> str | None: ...


class OccupationReader(Protocol):
    """``referentials.occupation.OccupationClassifier``."""

    def classify(self, text: str, k: int = 5) -> Sequence[OccupationGuess]: ...


def read_occupation(text: str, rome: RomeWords, classifier: OccupationReader | None = None) -> Occupation:
    """The occupations ``text`` names (``_read_text``); in the masculine when only that reading is sure:
    the classifier learnt from offer titles, mostly masculine (« Conseillère de vente » read none,
    « Conseiller de vente » the sales codes at 0.87)."""
    read = _read_text(text, rome, classifier)
    if read.trusted:
        return read
    masculine = rome.masculine(text)
    if masculine.lower() == text.lower():
        return read
    worded = _read_text(masculine, rome, classifier)
    return worded if worded.trusted else read


def _read_text(text: str, rome: RomeWords, classifier: OccupationReader | None = None) -> Occupation:
    """The occupations ``text`` names, or ``NO_OCCUPATION``.

    An exact ROME appellation wins; otherwise the classifier's guesses are grouped by ROME family and the
    families carrying most of the probability are kept (two at most), with their likely codes. A text
    worded in English is also read in its French words (``referentials.occupation.english``: "waiter" is
    « serveur », "nursing assistant" « aide-soignant »): the multilingual embedder spreads a one-word English job name
    over several occupations ("welder": soudeur 0.28, too weak to keep). A French rendering that is a ROME
    appellation wins; otherwise a sure English reading does ("speech therapist" is an orthophoniste, its
    rendering « thérapeute » is vaguer); otherwise the rendering's reading ranks the offers but is never
    trusted (``evals/occupation_en`` dev part: first code right 0.556 → 0.674, sure but of another family
    8.1 % → 7.4 %).
    """
    if not text.strip() or kind_of_job(text, rome) is not None:
        return NO_OCCUPATION  # « technicien », "engineer": a kind of job, not an occupation
    english = _read_occupation(text, rome, classifier)
    french = french_title(text) if reads_as_english(text) else None
    if not french:
        return english
    rendered = _read_occupation(french, rome, classifier)
    if rendered.confidence >= 1.0:
        return rendered
    if english.trusted and rendered.trusted and set(english.families) & set(rendered.families):
        # both sure, of one field: the French words' codes are the asked occupation too ("developer":
        # web developer in English, « développeur » informatique, web, data in French)
        named = () if not english.named or not rendered.named else (*english.named, *rendered.named)
        return replace(
            english,
            codes=tuple(dict.fromkeys((*english.codes, *rendered.codes))),
            families=tuple(dict.fromkeys((*english.families, *rendered.families))),
            named=tuple(dict.fromkeys(named)),
        )
    if english.trusted or not rendered.trusted:
        return english
    return replace(rendered, confidence=min(rendered.confidence, UNSURE))


def kind_of_job(text: str, rome: RomeWords) -> str | None:
    """The job word ``text`` is when it names a kind of job rather than an occupation (« technicien »,
    « ingénieur »; "engineer" is « ingénieur »), in French; None otherwise. An exact appellation is not
    one ("chef" is a cook's)."""
    if _exact(rome, text) or (reads_as_english(text) and french_title(text)):
        return None  # an appellation, or an English occupation word ("chef" is a cook)
    for words in (text, french_role(text)):
        if words and rome.generic(words):
            return words
    return None


def titled(word: str, title: str) -> bool:
    """Whether ``title`` holds the job word ``word`` in either gender (« technicien » in « Technicienne
    SAV », « opérateur » in « Opératrice de production »): a shared stem, its last letters aside."""
    asked = content_words(word)
    if not asked:
        return False
    stem = asked[0][: max(5, len(asked[0]) - 3)]
    return any(w.startswith(stem) for w in content_words(title))


def says_request(text: str, title: str) -> bool:
    """For a request naming no occupation: whether ``title`` says one of its words (4 letters or more), or
    the request is longer than ``SHORT_REQUEST`` words (a CV's text, left to the scorer). « animateur à
    Lyon » listed a server administrator and a sales adviser at 2/100, a nurse to a recruiter."""
    words = _request_words(text)
    return len(words) > SHORT_REQUEST or any(titled(w, title) for w in words)


@lru_cache(maxsize=64)
def _request_words(text: str) -> tuple[str, ...]:
    """A request's content words a title could say (4 letters or more); one request reads many titles."""
    return tuple(w for w in dict.fromkeys(content_words(text)) if len(w) >= 4)


def related_codes(text: str, occupation: Occupation, classifier: OccupationReader | None) -> tuple[str, ...]:
    """The codes nearest to the asked occupation, likeliest first: its other read codes, then the
    classifier's other guesses for ``text`` in the same families (« développeur Java »: the software
    developers' M1861 asked, the M1805 informaticiens, M1811 data engineers… near). Never another field."""
    families = occupation.families or tuple(c[:3] for c in occupation.codes)
    near = [c for c in occupation.codes if c not in occupation.asked]
    if classifier is not None:
        near += [
            g.code
            for g in classifier.classify(text, k=RELATED_GUESSES)
            if g.confidence >= RELATED_SHARE and g.code[:3] in families
        ]
    return tuple(dict.fromkeys(c for c in near if c not in occupation.asked))


def _exact(rome: RomeFinder, text: str) -> bool:
    """Whether ``text`` is a ROME appellation itself."""
    found = rome.find_codes(text, limit=NAMING)  # the limit the reading asks too: one cached lookup
    return bool(found) and found[0][2] >= EXACT


def _read_occupation(text: str, rome: RomeWords, classifier: OccupationReader | None) -> Occupation:
    found = rome.find_codes(text, limit=NAMING)
    if found and found[0][2] >= EXACT:
        code, label, _ = found[0]
        # Offers carry the code France Travail gave them, sometimes an older one of the same family:
        # the classifier (trained on offer titles) adds those.
        same = [
            g.code
            for g in (classifier.classify(text, k=8) if classifier is not None else [])
            if g.code[:3] == code[:3] and g.code != code and g.confidence >= CODE_SHARE
        ]
        return Occupation(codes=(code, *same), label=label, confidence=1.0, families=(code[:3],))
    if rome.generic(text):
        # « technicien », « ingénieur », « responsable »: a kind of job, not an occupation. The classifier,
        # trained on offer titles, read « technicien » as urban cleaning (0.67) and « opérateur » as a
        # lathe operator (0.76): the words alone rank such a request.
        return NO_OCCUPATION
    if classifier is None:
        if not found:
            return NO_OCCUPATION
        best = found[0][2]
        codes = tuple(code for code, _label, score in found[:3] if score >= best - NEAR_TOP)
        return Occupation(codes=codes, label=found[0][1], confidence=best, families=(codes[0][:3],))
    guesses = _unnamed_first_guess_dropped(list(classifier.classify(text, k=8)), found)
    if not guesses:
        return NO_OCCUPATION
    mass: dict[str, float] = {}
    for g in guesses:
        mass[g.code[:3]] = mass.get(g.code[:3], 0.0) + g.confidence
    families: list[str] = []
    for family, share in sorted(mass.items(), key=lambda kv: -kv[1]):
        if share < FAMILY_SHARE or len(families) == 2:
            break
        families.append(family)
    if not families or sum(mass[f] for f in families) < OCCUPATION_WEAK:
        if found and found[0][0] == guesses[0].code:
            # Two weak readings agree: the appellation the words name best, well ahead of any other code's,
            # is the classifier's first guess (« GRENAILLEUR villa ok », « Electricien en raccordement réseau
            # haute tension »; not « Animateur d'éveil », whose words name a dozen animateurs alike): it
            # ranks the offers, never trusted.
            code, label, score = found[0]
            runner_up = max((s for c, _label, s in found[1:] if c != code), default=0.0)
            if score >= NAMED and score - runner_up >= AGREED_MARGIN:
                return Occupation(
                    codes=(code,), label=label, confidence=INFERRED_CONFIDENCE, families=(code[:3],)
                )
        return NO_OCCUPATION  # a guess this unsure would only mislead the grades
    codes = tuple(g.code for g in guesses if g.code[:3] in families and g.confidence >= CODE_SHARE)
    codes = codes or (guesses[0].code,)
    broad = guesses[0].confidence < BROAD
    if broad:
        # In an unsure reading, an appellation the words name better than any of the likely codes', of a
        # kept family and not unlikely, is the request's too: ROME v4 splits developers into informatique,
        # web, logiciel… ("développeur python": all three, not data engineer alone).
        likely = {g.code: g.confidence for g in guesses}
        floor = max([NAMED, *(score for code, _label, score in found if code in codes)])
        codes += tuple(
            dict.fromkeys(
                code
                for code, _label, score in found
                if score >= floor
                and code[:3] in families
                and likely.get(code, 0.0) >= NAMED_SHARE
                and code not in codes
            )
        )
    worded = {code for code, _label, score in found if score >= NAMED and code in codes}
    if not worded:
        # The words name no likely appellation (English, or words ROME does not use): a likely code is the
        # asked occupation too when it is nearly as likely as the best ("forklift driver": cariste beside
        # engins de chantier), a related one otherwise ("nurse": aide-soignant beside infirmier).
        confidence = {g.code: g.confidence for g in guesses}
        worded = {c for c in codes if confidence.get(c, 0.0) >= CO_READING * guesses[0].confidence}
    # an unsure reading is named by the appellation the request's words name best, when it is a likely one
    # ("développeur": « Développeur / Développeuse informatique », not the likeliest code's « Data engineer »)
    # (of the appellations named about as well, one far likelier whose own label shares the request's words:
    # « infirmière » is « Infirmier / Infirmière en soins généraux », not « … d'entreprise » whose words match
    # a hair better; "développeur" stays « Développeur / Développeuse informatique », the likelier « Data
    # engineer » sharing none of its words)
    labels = {g.code: g.label for g in guesses}
    likely = {g.code: g.confidence for g in guesses}
    named_well = [(code, score) for code, _, score in found if broad and score >= NAMED and code in codes]
    label = guesses[0].label
    if named_well:
        first, top = named_well[0]
        asked = set(content_words(text))
        likelier = [
            code
            for code, score in named_well[1:]
            if score >= top - NEAR_TOP
            and likely.get(code, 0.0) >= LIKELIER * likely.get(first, 0.0)
            and asked & set(content_words(labels[code]))
        ]
        label = labels[max(likelier, key=lambda c: likely[c])] if likelier else labels[first]
    return Occupation(
        codes=codes,
        label=label,
        confidence=round(sum(mass[f] for f in families), 4),
        families=tuple(families),
        broad=broad,
        named=(codes[0], *(c for c in codes[1:] if c in worded)),
    )


def _unnamed_first_guess_dropped(
    guesses: list[OccupationGuess], found: Sequence[tuple[str, str, float]]
) -> list[OccupationGuess]:
    """The classifier's guesses without its first one when the words name another likely code's appellation
    almost exactly and the first one's far less, the rest's probabilities renormalised. « Chargé de
    recrutement IT »: « Chargé / Chargée de recherche en industrie pharmaceutique » 0.57 (the index's
    neighbours of « chargé de re… » outweigh the one exact title), « Chargé / Chargée de recrutement » 0.23,
    named at 0.82."""
    if len(guesses) < 2 or not found:
        return guesses
    named = {code: score for code, _label, score in found}
    best_code, _label, best_score = found[0]
    first = guesses[0]
    likely = {g.code for g in guesses[1:] if g.confidence >= CODE_SHARE}
    if (
        best_score < WORDED
        or best_code not in likely
        or best_score - named.get(first.code, 0.0) < NAMED_BETTER
    ):
        return guesses
    rest = 1.0 - first.confidence
    return (
        [replace(g, confidence=round(g.confidence / rest, 4)) for g in guesses[1:]] if rest > 0 else guesses
    )


class WordedReader:
    """An occupation reader whose first guess gives way to a likely code the words name far better
    (``_unnamed_first_guess_dropped``): what reads a CV's titles and positions (``profile_occupation``)."""

    def __init__(self, classifier: OccupationReader, rome: RomeFinder) -> None:
        self.classifier = classifier
        self.rome = rome

    def classify(self, text: str, k: int = 5) -> Sequence[OccupationGuess]:
        guesses = list(self.classifier.classify(text, k=k + 1))
        return _unnamed_first_guess_dropped(guesses, self.rome.find_codes(text, limit=NAMING))[:k]


def occupation_from_titles(text: str, rows: Sequence[OfferRow]) -> Occupation:
    """The occupation of the best results whose titles share the request's words, or ``NO_OCCUPATION``.

    For requests the classifier cannot read ("accompagnateur périscolaire"): when at least
    ``TITLE_EVIDENCE`` of ``rows`` (the hybrid search's best, in order) have a title sharing a content word
    with the request, and most of those carry one ROME code, that code is the request's occupation, with a
    confidence too low to be trusted (a "nothing matches" is never said on this evidence).
    """
    words = {w for w in content_words(text) if len(w) >= 4}
    if not words:
        return NO_OCCUPATION
    matched = [row for row in rows if row.rome_code and words & set(content_words(row.title))]
    if len(matched) < TITLE_EVIDENCE:
        return NO_OCCUPATION
    code, count = Counter(row.rome_code for row in matched).most_common(1)[0]
    if code is None or count < TITLE_EVIDENCE or count < 0.6 * len(matched):
        return NO_OCCUPATION
    labels = Counter(row.appellation or row.title for row in matched if row.rome_code == code)
    return Occupation(
        codes=(code,), label=labels.most_common(1)[0][0], confidence=INFERRED_CONFIDENCE, families=(code[:3],)
    )
