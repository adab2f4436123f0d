"""One ranking behind every door: retrieve under the hard filters, re-score the pool, keep what is relevant.

``OfferRanker`` is what ``bassin search``, the agent's ``search_offers`` tool, the UI and ``/match`` rank
with. The pool is the hybrid search's results plus the offers of the request's occupation (its ROME codes,
read from the text) under the same hard filters; each pooled offer is scored by the calibrated scorer and
graded by occupation:

- ``same_code``: the offer's ROME code is one of the request's occupations ("même métier");
- ``same_title``: the offer carries the asked title itself under another code, of the same family or not
  ("même intitulé": France Travail files one employer title under the code its adviser chose, "Technicien
  SAV itinérant" under I1402 or I1304, "Soudeur" under H2913 or H2915);
- ``same_family``: same ROME family, the first three characters ("métier proche");
- ``same_domain``: same ROME domain, the first letter ("même domaine");
- ``unrelated``: another domain ("autre métier").

When the request names an occupation with confidence, only ``same_code``, ``same_title`` and
``same_family`` offers are matches: an unrelated offer is never presented as a match, however close its words or its place. The
shown 0–100 reads as people expect: the occupation grade first, then how the stated conditions are met
(distance within the radius, contract, asked skills), then the calibrated scorer's probability.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, Protocol

from domain.filters import haversine_km
from domain.search import ScoreParts, SearchFilters
from referentials.occupation.english import french_role, french_title, reads_as_english
from referentials.taxonomy.rome import content_words
from scoring.scorer import MatchScore, MatchScorer
from scoring.seeker import RomeFinder, SkillFinder, seeker_from_query
from store.models import OfferRow

if TYPE_CHECKING:
    from referentials.occupation import OccupationGuess

OccupationGrade = Literal["same_code", "same_title", "same_family", "same_domain", "unrelated", "unknown"]
MATCH_GRADES: frozenset[OccupationGrade] = frozenset({"same_code", "same_title", "same_family"})
SAME_OCCUPATION: frozenset[OccupationGrade] = frozenset({"same_code", "same_title"})
"""Grades that answer the request itself (a "nothing matches" is said when no result has one)."""
GRADE_POINTS: dict[OccupationGrade, float] = {
    "same_code": 1.0,
    "same_title": 1.0,
    "same_family": 0.75,
    "same_domain": 0.3,
    "unrelated": 0.08,
}
UNKNOWN_POINTS = GRADE_POINTS["same_family"]
"""The most an offer of an unknown occupation (or a request naming none) counts for."""
GRADE_WORDS: dict[str, dict[OccupationGrade, str]] = {
    "fr": {
        "same_code": "même métier",
        "same_title": "même intitulé",
        "same_family": "métier proche",
        "same_domain": "même domaine, autre métier",
        "unrelated": "autre métier",
        "unknown": "",
    },
    "en": {
        "same_code": "same occupation",
        "same_title": "same job title",
        "same_family": "related occupation",
        "same_domain": "same field, other occupation",
        "unrelated": "other occupation",
        "unknown": "",
    },
}
OCCUPATION_CONFIDENCE = 0.6
"""A request's occupation is trusted (and unrelated offers dropped) from this ROME match score on."""
OCCUPATION_WEAK = 0.3
"""Below this, the classifier's reading is ignored: the calibrated scorer alone decides."""
NEAR_TOP = 0.08
"""ROME codes scoring within this of the best one are the request's occupations too."""
SHORT_REQUEST = 4
"""A request of at most this many content words, none naming an occupation, needs an offer's title to say
one of them (a CV's longer text does not)."""
PROBABILITY_FLOOR = 0.01
"""Without a known occupation, offers the calibrated scorer finds less likely than this are not matches."""
INFERRED_CONFIDENCE = 0.5
"""An occupation read from the best results' titles, or agreed on by two weak readings: below
``OCCUPATION_CONFIDENCE``, so never trusted."""
AGREED_MARGIN = 0.15
"""How far ahead of any other code's the words must name an appellation for two weak readings to agree."""
UNSURE = round(OCCUPATION_CONFIDENCE - 0.01, 2)
"""The confidence of a reading that ranks offers but is never trusted."""
TITLE_EVIDENCE = 3
"""Best results whose titles share the request's words, and share one ROME code, to infer it."""


class Browser(Protocol):
    """A lexical backend: an empty text lists the documents passing the filters."""

    def search(self, text: str, filters: SearchFilters, limit: int) -> Sequence[object]: ...


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


@dataclass
class RankedOffer:
    """One offer as users see it: the shown 0–100, its occupation grade, the reasons in words."""

    row: OfferRow
    score: int
    grade: OccupationGrade
    probability: float | None
    reasons: list[str]
    distance_km: float | None = None
    parts: ScoreParts | None = None
    match: MatchScore | None = None
    breakdown: list[tuple[str, float]] = field(default_factory=list)
    """The shown score in points, in words: the occupation, each stated condition, the calibrated scorer's
    estimate; they add up to ``score`` (« Pourquoi ? » charts them, never another number)."""


@dataclass
class Ranking:
    """Matches best first, and the pooled offers below the relevance floor (never shown as matches)."""

    occupation: Occupation
    matches: list[RankedOffer] = field(default_factory=list)
    below_floor: list[RankedOffer] = field(default_factory=list)


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


def request_words(text: str) -> list[str]:
    """The content words of a request that a title could say (4 letters or more)."""
    return [w for w in dict.fromkeys(content_words(text)) if len(w) >= 4]


def _exact(rome: RomeFinder, text: str) -> bool:
    """Whether ``text`` is a ROME appellation itself."""
    found = rome.find_codes(text, limit=1)
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


class _RecentCodes:
    """A ROME finder remembering its last few answers: one search reads the same text's codes several times
    (its occupation, its seeker, the nearest offers' ranking); the referential does not change at run time.
    """

    def __init__(self, rome: RomeWords, size: int = 8) -> None:
        self._find = lru_cache(maxsize=size)(rome.find_codes)
        self.generic = rome.generic
        self.masculine = rome.masculine
        self.label = rome.label

    def find_codes(self, text: str, limit: int = 5) -> list[tuple[str, str, float]]:
        return list(self._find(text, limit))


class OfferRanker:
    """Re-scores a retrieved pool for a request and keeps the relevant offers, best first.

    Args:
        scorer: the calibrated match scorer.
        taxonomy: skills (to read the request's skills).
        rome: the ROME referential (exact appellations).
        occupations: the occupation classifier (free titles, French or English).
    """

    def __init__(
        self,
        *,
        scorer: MatchScorer,
        taxonomy: SkillFinder,
        rome: RomeWords,
        occupations: OccupationReader | None = None,
    ) -> None:
        self.scorer = scorer
        self.taxonomy = taxonomy
        self.rome: RomeWords = _RecentCodes(rome)
        self.occupations = occupations

    def occupation(self, text: str) -> Occupation:
        return read_occupation(text, self.rome, self.occupations)

    def kind_of_job(self, text: str) -> str | None:
        """``kind_of_job`` with this ranker's referential."""
        return kind_of_job(text, self.rome)

    def related(self, text: str, occupation: Occupation) -> tuple[str, ...]:
        """The codes nearest to the asked occupation, likeliest first: its other read codes, then the
        classifier's other guesses for ``text`` in the same families (« développeur Java »: the software
        developers' M1861 asked, the M1805 informaticiens, M1811 data engineers… near). Never another field."""
        families = occupation.families or tuple(c[:3] for c in occupation.codes)
        near = [c for c in occupation.codes if c not in occupation.asked]
        if self.occupations is not None:
            near += [
                g.code
                for g in self.occupations.classify(text, k=RELATED_GUESSES)
                if g.confidence >= RELATED_SHARE and g.code[:3] in families
            ]
        return tuple(dict.fromkeys(c for c in near if c not in occupation.asked))

    def rank(
        self,
        text: str,
        filters: SearchFilters,
        rows: Sequence[OfferRow],
        *,
        parts: dict[int, ScoreParts] | None = None,
        occupation: Occupation | None = None,
        language: str = "fr",
    ) -> Ranking:
        """Score ``rows`` (the pool, any order) for the request ``text`` + ``filters``; best first."""
        occupation = self.occupation(text) if occupation is None else occupation
        if not rows:
            return Ranking(occupation)
        seeker = seeker_from_query(text, filters, taxonomy=self.taxonomy, rome=self.rome)
        scored = self.scorer.score_offers(seeker, list(rows), rerank=False).scores
        asked_skills = len(seeker.skills)
        ranked: list[RankedOffer] = []
        asked_title = _title_words(text)
        for row, ms in zip(rows, scored, strict=True):
            grade = occupation.grade(row.rome_code)
            if grade not in ("same_code", "same_title") and _carries_title(asked_title, row.title):
                grade = "same_title"
            distance = _distance(filters, row)
            matched = sum(1 for c in ms.explanation.claims if c.kind == "skill_match")
            conditions = _conditions(filters, distance, matched, asked_skills)
            met = sum(conditions) / len(conditions) if conditions else 1.0
            probability = ms.probability
            # an offer whose occupation is not known scores on the calibrated scorer's word, never as high as
            # one of the asked occupation (« Assistant comptable » showed 97/100 for "nursing assistant")
            base = grade_points(grade, probability)
            if occupation.broad and row.rome_code in occupation.codes:
                base = GRADE_POINTS[
                    "same_code"
                ]  # an unsure reading's likely codes rank alike: the scorer orders them
            reasons = _reasons(grade, filters, distance, matched, asked_skills, language)
            ranked.append(
                RankedOffer(
                    row=row,
                    score=shown_score(base, met, probability),
                    grade=grade,
                    probability=probability,
                    reasons=reasons,
                    distance_km=distance,
                    parts=(parts or {}).get(row.id),
                    match=ms,
                    breakdown=score_breakdown(
                        base,
                        reasons[0] if grade != "unknown" else None,
                        list(zip(reasons[1:] if grade != "unknown" else reasons, conditions, strict=True)),
                        probability,
                        language,
                    ),
                )
            )
        if occupation.codes:
            ranked.sort(key=lambda r: (-r.score, -(r.probability or 0.0), r.distance_km or 0.0))
        else:
            # No occupation read: the words matched by the hybrid search order the offers the scorer keeps.
            ranked.sort(key=lambda r: (-(r.parts.fused if r.parts else 0.0), -(r.probability or 0.0)))
        out = Ranking(occupation)
        words = request_words(text)
        short = words if len(words) <= SHORT_REQUEST else []
        for r in ranked:
            if occupation.trusted:
                relevant = r.grade in MATCH_GRADES
            elif occupation.codes:
                # A likely but uncertain occupation: its family's offers, and offers without a ROME code
                # when the scorer agrees; another occupation of the same field is not a match either.
                relevant = r.grade in MATCH_GRADES or (
                    r.grade == "unknown" and (r.probability or 0.0) >= PROBABILITY_FLOOR
                )
            else:
                # No occupation read: the scorer decides, and for a short request the offer's title must
                # say one of its words (« animateur à Lyon » listed a server administrator and a sales
                # adviser at 2/100, the demo having no animateur there).
                relevant = (
                    r.probability is not None
                    and r.probability >= PROBABILITY_FLOOR
                    and (not short or any(titled(word, r.row.title) for word in short))
                )
            (out.matches if relevant else out.below_floor).append(r)
        return out


def grade_points(grade: OccupationGrade, probability: float | None) -> float:
    """The occupation's share of the shown score: its grade's points; for an unknown occupation, the
    calibrated scorer's word, at most ``UNKNOWN_POINTS``."""
    return GRADE_POINTS.get(grade, min(UNKNOWN_POINTS, (probability or 0.0) * 2))


def shown_score(base: float, met: float, probability: float | None) -> int:
    """The 0–100 people see: ``100 × base × (0.6 + 0.3 × met + 0.1 × p)`` (``score_breakdown`` in parts)."""
    return max(0, min(100, round(100 * base * (0.6 + 0.3 * met + 0.1 * (probability or 0.0)))))


def _title_words(text: str) -> frozenset[str]:
    return frozenset(content_words(text))


def _carries_title(asked: frozenset[str], title: str) -> bool:
    """Whether an offer's title is the asked one: it holds every content word of the request, and a
    one-word request only when that is the whole title ("Soudeur (H/F)", not "Soudeur TIG tuyauteur")."""
    if not asked:
        return False
    words = set(content_words(title))
    return asked <= words and (len(asked) >= 2 or words == asked)


def _distance(filters: SearchFilters, row: OfferRow) -> float | None:
    if filters.geo is None or row.latitude is None or row.longitude is None:
        return None
    return round(haversine_km(filters.geo.lat, filters.geo.lon, row.latitude, row.longitude), 1)


def _conditions(
    filters: SearchFilters, distance: float | None, matched: int, asked_skills: int
) -> list[float]:
    """How far each stated condition is met (0–1), in the order ``_reasons`` names them: place, skills,
    contract."""
    met: list[float] = []
    if filters.geo is not None and distance is not None:
        radius = max(filters.geo.radius_km, 1.0)
        met.append(1.0 if distance <= radius else max(0.0, 1.0 - (distance - radius) / radius))
    if asked_skills:
        met.append(min(1.0, matched / asked_skills))
    if filters.contracts:
        met.append(1.0)  # a hard filter: every pooled offer has one of the contracts asked
    return met


SCORE_WORDS: dict[str, dict[str, str]] = {
    "fr": {"unknown": "métier non reconnu", "none": "aucune condition posée",
           "scorer": "avis du modèle calibré"},
    "en": {"unknown": "occupation not recognised", "none": "no condition stated",
           "scorer": "calibrated model's view"},
}  # fmt: skip


def score_breakdown(
    base: float,
    grade: str | None,
    conditions: Sequence[tuple[str, float]],
    probability: float | None,
    language: str = "fr",
) -> list[tuple[str, float]]:
    """The shown 0–100 in points that add up to it: ``100 × base × (0.6 + 0.3 × met + 0.1 × p)``, the
    occupation's 60 % (``grade``: its words, None when unknown), each stated condition's share of the 30 %
    (its words and how far it is met), the calibrated scorer's 10 %.

    >>> score_breakdown(1.0, "même métier", [("à 2 km", 1.0), ("1 compétence(s) sur 2", 0.5)], 0.4)
    [('même métier', 60.0), ('à 2 km', 15.0), ('1 compétence(s) sur 2', 7.5), ('avis du modèle calibré', 4.0)]
    """
    words = SCORE_WORDS["en" if language == "en" else "fr"]
    out = [(grade or words["unknown"], round(100 * base * 0.6, 1))]
    for label, met in conditions:
        out.append((label, round(100 * base * 0.3 * met / len(conditions), 1)))
    if not conditions:
        out.append((words["none"], round(100 * base * 0.3, 1)))
    out.append((words["scorer"], round(100 * base * 0.1 * (probability or 0.0), 1)))
    return out


def _reasons(
    grade: OccupationGrade,
    filters: SearchFilters,
    distance: float | None,
    matched: int,
    asked_skills: int,
    language: str,
) -> list[str]:
    en = language == "en"
    out = [GRADE_WORDS["en" if en else "fr"][grade]] if grade != "unknown" else []
    if distance is not None:
        out.append(f"{distance:g} km away" if en else f"à {distance:g} km")
    if asked_skills:
        out.append(
            f"{matched} of {asked_skills} skills" if en else f"{matched} compétence(s) sur {asked_skills}"
        )
    if filters.contracts:
        out.append("contract as asked" if en else "contrat demandé")
    return [r for r in out if r]
