"""One synthetic French CV: what it says (a ``CVDoc`` the renderers lay out) and its truth record."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from offline.cv_generator.occupations import BY_KEY, OCCUPATIONS, Diploma, Occupation
from offline.cv_generator.people import Identity, Place, make_identity, random_place
from offline.cv_generator.periods import YEAR_ONLY, Period, merged_months, pick_style, render

AS_OF = date(2026, 11, 15)

VISUAL_LAYOUTS = (
    "single_column",
    "sidebar_left",
    "sidebar_right",
    "docx_table",
    "headline_only",
    "caps_headings",
    "bullet_experience",
)
CAREER_LAYOUTS = ("student", "long_career", "career_changer")
LAYOUTS = VISUAL_LAYOUTS + CAREER_LAYOUTS

LANG_LABELS = {
    "anglais": "Anglais",
    "espagnol": "Espagnol",
    "allemand": "Allemand",
    "italien": "Italien",
    "portugais": "Portugais",
    "arabe": "Arabe",
    "chinois": "Chinois",
    "néerlandais": "Néerlandais",
}
LEVEL_WORDS = {
    "A1": "débutant",
    "A2": "notions",
    "B1": "intermédiaire",
    "B2": "courant",
    "C1": "courant",
    "C2": "bilingue",
}
STREETS = (
    "rue des Lilas",
    "allée des Peupliers",
    "avenue Jean Jaurès",
    "impasse du Moulin",
    "boulevard Victor Hugo",
    "rue de la République",
    "chemin des Vignes",
    "place du Marché",
    "rue Pasteur",
    "avenue de la Gare",
)
INTERESTS = (
    "randonnée",
    "football",
    "lecture",
    "photographie",
    "course à pied",
    "théâtre",
    "jardinage",
    "natation",
    "bénévolat aux Restos du cœur",
    "voyages",
    "musique (guitare)",
    "échecs",
)
REMOTE_DOMAINS = ("informatique", "bureau")


@dataclass
class Job:
    title: str
    employer: str
    city: str
    period: Period
    date_text: str
    tasks: list[str]


@dataclass
class Education:
    year_text: str
    label: str
    school: str
    level: str


@dataclass
class CVDoc:
    """Everything a CV says, before layout."""

    cv_id: str
    layout: str
    fmt: str
    occupation: Occupation
    identity: Identity
    place: Place
    title: str
    title_line: bool
    headline: str | None
    address_line: str
    summary: str | None
    jobs: list[Job]
    education: list[Education]
    skills: list[str]
    certifications: list[str]
    languages: list[tuple[str, str | None, str]]  # (language, CEFR level or "native", as written)
    contract_wishes: list[str]
    remote_wish: str | None
    wish_lines: list[str]
    interests: list[str]
    caps_headings: bool = False
    entry_style: str = "title_first"
    extra: dict[str, str] = field(default_factory=dict)

    def truth(self, rome_code: str, split: str) -> dict[str, object]:
        months = merged_months([j.period for j in self.jobs], AS_OF)
        levels = {"cap_bep": 0, "bac": 1, "bac+2": 2, "bac+3": 3, "bac+4": 4, "bac+5": 5, "doctorat": 8}
        education = max((e.level for e in self.education), key=levels.__getitem__, default=None)
        return {
            "id": self.cv_id,
            "file": f"{self.cv_id}.{self.fmt}",
            "format": self.fmt,
            "layout": self.layout,
            "split": split,
            "as_of": AS_OF.isoformat(),
            "occupation": self.occupation.key,
            "domain": self.occupation.domain,
            "title": self.title,
            "rome_code": rome_code,
            "rome_appellation": self.occupation.appellation,
            "total_experience_months": months,
            "total_experience_years": round(months / 12, 2),
            "skills": [*self.skills, *self.certifications],
            "languages": [{"language": lang, "level": level} for lang, level, _ in self.languages],
            "city": self.place.city,
            "postcode": self.place.postcode,
            "department": self.place.department,
            "name": self.identity.name,
            "email": self.identity.email,
            "phone": self.identity.phone_digits,
            "education_level": education,
            "contract_wishes": self.contract_wishes,
            "remote_wish": self.remote_wish,
        }


def _g(occ_title: tuple[str, str], female: bool) -> str:
    return occ_title[1] if female else occ_title[0]


def _timeline(
    rng: random.Random,
    n_jobs: int,
    min_months: int,
    max_months: int,
    ongoing: bool,
    start_before: int | None = None,
) -> list[tuple[tuple[int, int], tuple[int, int] | None, str]]:
    """Periods from the most recent backwards: ``(start, end, style)`` with ``end`` None when ongoing."""
    cursor = start_before if start_before is not None else AS_OF.year * 12 + AS_OF.month - 1
    out = []
    for i in range(n_jobs):
        current = ongoing and i == 0
        end_idx = cursor if current else cursor - rng.randrange(0, 7)
        length = rng.randrange(min_months, max_months + 1)
        start_idx = end_idx - length + 1
        style = pick_style(rng, current)
        start = (start_idx // 12, start_idx % 12 + 1)
        end = None if current else (end_idx // 12, end_idx % 12 + 1)
        if style in YEAR_ONLY:
            if end is not None and end[0] <= start[0]:
                style = "slash_a"
            else:
                start = (start[0], 1)
        out.append((start, end, style))
        cursor = start_idx - 1
    return out


def _tasks(rng: random.Random, occ: Occupation, skills: list[str]) -> list[str]:
    tasks = rng.sample(occ.tasks, k=min(len(occ.tasks), rng.randrange(1, 4)))
    if skills and rng.random() < 0.5:
        used = rng.sample(skills, k=min(2, len(skills)))
        tasks.append(
            rng.choice(("Utilisation quotidienne de ", "Travail avec ", "Mise en œuvre : "))
            + " et ".join(used)
        )
    return tasks


def _languages(rng: random.Random) -> list[tuple[str, str | None, str]]:
    out: list[tuple[str, str | None, str]] = []
    if rng.random() < 0.9:
        out.append(
            (
                "français",
                "native",
                rng.choice(
                    ("Français : langue maternelle", "Français (natif)", "Français – langue maternelle")
                ),
            )
        )
    others = rng.sample(list(LANG_LABELS), k=rng.choice((0, 1, 1, 1, 2, 2, 3)))
    if not out and not others:
        others = ["anglais"]
    for lang in others:
        level = rng.choice(("A1", "A2", "B1", "B2", "B2", "C1", "C2"))
        label = LANG_LABELS[lang]
        written = rng.choice(
            (
                f"{label} : {level}",
                f"{label} {LEVEL_WORDS[level]} ({level})",
                f"{label} – niveau {level}",
                f"{label} : {LEVEL_WORDS[level]} — {level}",
            )
        )
        out.append((lang, level, written))
    return out


def _wishes(rng: random.Random, occ: Occupation, student: bool) -> tuple[list[str], str | None, list[str]]:
    lines: list[str] = []
    contracts: list[str] = []
    if student:
        contracts = [rng.choice(("alternance", "stage"))]
    elif rng.random() < 0.75:
        contracts = [rng.choice(("CDI", "CDI", "CDD", "interim", "freelance"))]
        if occ.domain in ("logistique", "transport", "industrie") and rng.random() < 0.4:
            contracts = ["interim"]
        if rng.random() < 0.2 and contracts[0] == "CDI":
            contracts.append("CDD")
    phrases = {
        "CDI": ("un poste en CDI", "un CDI"),
        "CDD": ("un CDD", "un contrat en CDD"),
        "interim": ("des missions d'intérim", "des missions en intérim"),
        "freelance": ("des missions en freelance", "des missions freelance"),
        "alternance": ("un contrat en alternance", "une alternance (rythme 2 semaines / 2 semaines)"),
        "stage": ("un stage de 6 mois", "un stage de fin d'études"),
    }
    if contracts:
        lines.append(
            rng.choice(("Recherche ", "Je recherche ", "Disponible pour ", "Souhait : "))
            + " ou ".join(rng.choice(phrases[c]) for c in contracts)
        )
    remote: str | None = None
    if occ.domain in REMOTE_DOMAINS and rng.random() < 0.6:
        remote = rng.choice(("full_remote", "hybrid", "on_site"))
    elif rng.random() < 0.1:
        remote = "on_site"
    if remote == "full_remote":
        lines.append(
            rng.choice(("Télétravail complet souhaité", "100 % télétravail", "Full remote uniquement"))
        )
    elif remote == "hybrid":
        lines.append(
            rng.choice(
                (
                    "Télétravail partiel (2 jours par semaine)",
                    "Mode hybride souhaité",
                    "Télétravail 2 à 3 jours par semaine",
                )
            )
        )
    elif remote == "on_site":
        lines.append(rng.choice(("Poste sur site uniquement", "Travail en présentiel")))
    return contracts, remote, lines


def _diploma_year(jobs_start_year: int, rng: random.Random) -> int:
    return jobs_start_year - rng.randrange(0, 2)


def compose(
    cv_id: str,
    layout: str,
    fmt: str,
    occ: Occupation,
    rng: random.Random,
    *,
    place: Place | None = None,
    min_years: float | None = None,
    remote: str | None = None,
    senior: bool = False,
) -> CVDoc:
    """Write one CV of ``occ`` in ``layout``; ``min_years``/``remote``/``place`` steer pool profiles."""
    ident = make_identity(rng)
    place = place or random_place(rng)
    female = ident.female
    title = _g(rng.choice(occ.titles), female)
    skills = rng.sample(occ.skills, k=min(len(occ.skills), rng.randrange(4, 9)))
    certs = [c for c in occ.certifications if rng.random() < 0.6]
    if occ.domain not in ("transport",) and rng.random() < 0.25 and "Permis B" not in certs:
        certs.append("Permis B")
    student = layout == "student"
    if layout == "long_career":
        spans = _timeline(rng, rng.randrange(4, 7), 36, 70, rng.random() < 0.7)
    elif student:
        spans = _timeline(rng, rng.randrange(1, 3), 3, 14, True)
    elif layout == "career_changer":
        spans = _timeline(rng, rng.randrange(1, 3), 8, 30, rng.random() < 0.7)
    else:
        if min_years is None:
            spans = _timeline(rng, rng.randrange(1, 4), 10, 60, rng.random() < 0.65)
        else:
            lo = int(min_years * 6) + 6
            spans = _timeline(rng, 2, lo, lo + 40, True)
    if senior and "senior" not in title.lower():
        title = f"{title} senior"
    jobs: list[Job] = []
    for i, (start, end, style) in enumerate(spans):
        period = Period(start, end, style)
        job_title = title if i == 0 else _g(rng.choice(occ.titles), female)
        if student:
            job_title = f"{job_title} ({'alternance' if i == 0 else 'stage'})"
        jobs.append(
            Job(
                job_title,
                rng.choice(occ.employers),
                random_place(rng).city if rng.random() < 0.3 else place.city,
                period,
                render(period, rng),
                _tasks(rng, occ, skills),
            )
        )
    if layout == "career_changer":
        old = rng.choice([o for o in OCCUPATIONS if o.domain != occ.domain])
        first_start = min(j.period.start[0] * 12 + j.period.start[1] - 1 for j in jobs)
        for start, end, style in _timeline(
            rng, rng.randrange(1, 3), 24, 72, False, start_before=first_start - 10
        ):
            period = Period(start, end, style)
            jobs.append(
                Job(
                    _g(rng.choice(old.titles), female),
                    rng.choice(old.employers),
                    place.city,
                    period,
                    render(period, rng),
                    rng.sample(old.tasks, k=min(2, len(old.tasks))),
                )
            )
    first_year = min(j.period.start[0] for j in jobs)
    diploma: Diploma = rng.choice(occ.diplomas)
    education: list[Education] = []
    schools = (
        "Lycée Jean Moulin",
        "Lycée professionnel Gustave Eiffel",
        "CFA de la CCI",
        "Université",
        "IUT",
        "GRETA",
        "AFPA",
        "École supérieure",
    )
    school_city = random_place(rng).city
    if student:
        education.append(
            Education(
                f"{AS_OF.year - 1} – {AS_OF.year + 1}",
                f"{diploma.label} (en cours, en alternance)",
                f"{rng.choice(schools)}, {school_city}",
                diploma.level,
            )
        )
        education.append(
            Education(str(AS_OF.year - 1), "Baccalauréat général", f"Lycée Victor Hugo, {school_city}", "bac")
        )
    elif layout == "career_changer":
        last_new = min(j.period.start[0] for j in jobs[: len(spans)])
        education.append(
            Education(
                str(last_new),
                f"{diploma.label} (reconversion professionnelle)",
                f"{rng.choice(('AFPA', 'GRETA', 'CNAM'))}, {school_city}",
                diploma.level,
            )
        )
    else:
        education.append(
            Education(
                str(_diploma_year(first_year, rng)),
                diploma.label,
                f"{rng.choice(schools)}, {school_city}",
                diploma.level,
            )
        )
    if not student and rng.random() < 0.3 and diploma.level in ("bac+2", "bac+3", "bac+5"):
        education.append(
            Education(
                str(_diploma_year(first_year, rng) - 2),
                "Baccalauréat STMG",
                f"Lycée Jean Jaurès, {school_city}",
                "bac",
            )
        )
    contracts, remote_wish, wish_lines = _wishes(rng, occ, student)
    if remote is not None:
        remote_wish = remote
        wish_lines = [
            w
            for w in wish_lines
            if "élétravail" not in w
            and "remote" not in w.lower()
            and "site" not in w
            and "présentiel" not in w
        ]
        wish_lines.append(
            {
                "full_remote": "Télétravail complet souhaité",
                "hybrid": "Télétravail partiel (2 jours par semaine)",
                "on_site": "Poste sur site uniquement",
            }[remote]
        )
    months = merged_months([j.period for j in jobs], AS_OF)
    years = months // 12
    summary = None
    if rng.random() < 0.6 and years >= 1:
        summary = rng.choice(
            (
                f"{years} ans d'expérience, {'sérieuse et rigoureuse' if female else 'sérieux et rigoureux'}.",
                f"Professionnel{'le' if female else ''} motivé{'e' if female else ''} avec {years} ans d'expérience dans le métier.",
                f"Plus de {years} ans d'expérience, autonome et organisé{'e' if female else ''}.",
            )
        )
    if layout == "career_changer":
        summary = f"En reconversion professionnelle après plusieurs années comme {jobs[-1].title.lower()}."
    headline = None
    title_line = True
    if layout == "headline_only":
        title_line = False
        headline = rng.choice(
            (
                f"{title} | {years} ans d'expérience" if years else f"{title} | disponible rapidement",
                f"{title} – disponible immédiatement",
                f"{title}, mobile sur le secteur de {place.city}",
            )
        )
    street = f"{rng.randrange(1, 120)} {rng.choice(STREETS)}"
    address_line = rng.choice(
        (
            f"{street}, {place.postcode} {place.city}",
            f"{place.postcode} {place.city}",
            f"{place.city} ({place.postcode})",
            f"{street}\n{place.postcode} {place.city}",
        )
    )
    entry_style = "bullet" if layout == "bullet_experience" else rng.choice(("title_first", "dates_first"))
    return CVDoc(
        cv_id=cv_id,
        layout=layout,
        fmt=fmt,
        occupation=occ,
        identity=ident,
        place=place,
        title=title,
        title_line=title_line,
        headline=headline,
        address_line=address_line,
        summary=summary,
        jobs=jobs,
        education=education,
        skills=skills,
        certifications=certs,
        languages=_languages(rng),
        contract_wishes=contracts,
        remote_wish=remote_wish,
        wish_lines=wish_lines,
        interests=rng.sample(INTERESTS, k=rng.randrange(0, 4)),
        caps_headings=layout == "caps_headings" or rng.random() < 0.15,
        entry_style=entry_style,
    )


__all__ = ["AS_OF", "BY_KEY", "LAYOUTS", "CVDoc", "compose"]
