"""A CV as ordered blocks (header, sections, entries): what every renderer lays out its own way."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from offline.cv_generator.compose import CVDoc

HEADINGS = {
    "summary": ("Profil", "À propos", "Résumé", "Profil professionnel"),
    "experience": (
        "Expérience professionnelle",
        "Expériences professionnelles",
        "Parcours professionnel",
        "Expérience",
    ),
    "education": ("Formation", "Formations", "Diplômes et formations", "Formation et diplômes"),
    "skills": ("Compétences", "Compétences techniques", "Savoir-faire", "Compétences clés"),
    "certifications": ("Certifications", "Habilitations et permis", "Permis et certifications"),
    "languages": ("Langues", "Langues étrangères"),
    "interests": ("Centres d'intérêt", "Loisirs"),
    "wishes": ("Poste recherché", "Disponibilité et souhaits", "Recherche"),
}


@dataclass
class Entry:
    """An experience or education item: ``head`` is the title line, ``sub`` dates/employer, ``bullets`` tasks."""

    head: str
    sub: str
    bullets: list[str] = field(default_factory=list)
    dates: str = ""


@dataclass
class Block:
    kind: str
    heading: str
    lines: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Layout:
    name: str
    title: str | None
    contact: list[str]
    blocks: list[Block]


def build(doc: CVDoc, rng: random.Random) -> Layout:
    def heading(kind: str) -> str:
        text = rng.choice(HEADINGS[kind])
        return text.upper() if doc.caps_headings else text

    blocks: list[Block] = []
    if doc.headline:
        blocks.append(Block("headline", "", [doc.headline]))
    if doc.summary or (doc.wish_lines and rng.random() < 0.5):
        lines = [doc.summary] if doc.summary else []
        if doc.wish_lines and rng.random() < 0.5:
            lines += doc.wish_lines
            wishes_done = True
        else:
            wishes_done = False
        if lines:
            blocks.append(Block("summary", heading("summary"), lines))
    else:
        wishes_done = False
    exp = Block("experience", heading("experience"))
    for job in doc.jobs:
        where = f"{job.employer}, {job.city}" if rng.random() < 0.5 else f"{job.employer} ({job.city})"
        if doc.entry_style == "bullet":
            exp.lines.append(
                f"• {job.title}, {where} — {job.date_text} : " + " ; ".join(t.lower() for t in job.tasks)
            )
        elif doc.entry_style == "dates_first":
            exp.entries.append(Entry(f"{job.date_text} : {job.title}", where, job.tasks, job.date_text))
        else:
            exp.entries.append(Entry(f"{job.title} — {where}", job.date_text, job.tasks, job.date_text))
    blocks.append(exp)
    edu = Block("education", heading("education"))
    for e in doc.education:
        edu.entries.append(Entry(f"{e.year_text} — {e.label}", e.school, [], e.year_text))
    blocks.append(edu)
    sep = rng.choice((", ", " · ", " | "))
    skills = Block("skills", heading("skills"))
    if rng.random() < 0.5:
        skills.lines = [f"• {s}" for s in doc.skills]
    else:
        skills.lines = [sep.join(doc.skills)]
    blocks.append(skills)
    if doc.certifications:
        blocks.append(
            Block("certifications", heading("certifications"), [f"• {c}" for c in doc.certifications])
        )
    if doc.languages:
        blocks.append(Block("languages", heading("languages"), [w for _, _, w in doc.languages]))
    if doc.wish_lines and not wishes_done:
        blocks.append(Block("wishes", heading("wishes"), doc.wish_lines))
    if doc.interests:
        blocks.append(Block("interests", heading("interests"), [sep.join(doc.interests)]))
    contact = [*doc.address_line.split("\n"), doc.identity.phone_written, doc.identity.email]
    if rng.random() < 0.4:
        contact = [
            rng.choice(("Tél. : ", "Téléphone : ", "Tel : ")) + doc.identity.phone_written
            if i == len(contact) - 2
            else c
            for i, c in enumerate(contact)
        ]
    return Layout(doc.identity.name_written, doc.title if doc.title_line else None, contact, blocks)
