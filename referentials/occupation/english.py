"""English job titles in French words, so that English résumés read against French offers and the ROME.

US résumés say "Executive Chef", "Registered Nurse", "Attorney"; the ROME and the offers say « chef de
cuisine », « infirmier », « avocat ». ``french_title`` renders a title that reads as English with a small
glossary of common English occupation words and phrases (longest phrase first; words it does not know,
such as grades and seniority, are left out; French head noun first:
"Engineering Supervisor" → "chef d'équipe ingénierie"); a title that reads as French, names no known
English occupation word, or only a role any field has ("Manager", "Technician I"), gives None. The glossary is general US job vocabulary, not fitted to any set.
"""

from __future__ import annotations

import re

# English occupation words and phrases → French as the ROME and French offers write them.
GLOSSARY: dict[str, str] = {
    # catering and hospitality
    "executive chef": "chef de cuisine",
    "head chef": "chef de cuisine",
    "chef de cuisine": "chef de cuisine",
    "sous chef": "second de cuisine",
    "pastry chef": "pâtissier",
    "line cook": "commis de cuisine",
    "prep cook": "commis de cuisine",
    "kitchen": "cuisine",
    "chef": "cuisinier",
    "cook": "cuisinier",
    "baker": "boulanger",
    "butcher": "boucher",
    "dishwasher": "plongeur",
    "waiter": "serveur",
    "waitress": "serveur",
    "server": "serveur",
    "bartender": "barman",
    "barista": "barista",
    "catering": "traiteur",
    "banquet": "banquet traiteur",
    "food service": "restauration",
    "restaurant manager": "directeur de restaurant",
    "hotel manager": "directeur d'hôtel",
    "front desk": "réceptionniste",
    "housekeeper": "femme de chambre",
    "housekeeping": "gouvernante",
    # health and care
    "registered nurse": "infirmier",
    "licensed practical nurse": "infirmier",
    "nurse practitioner": "infirmier en pratique avancée",
    "nurse": "infirmier",
    "nursing assistant": "aide-soignant",
    "certified nursing assistant": "aide-soignant",
    "nursing": "soins infirmiers",
    "medical assistant": "assistant médical",
    "physician": "médecin",
    "doctor": "médecin",
    "surgeon": "chirurgien",
    "pharmacist": "pharmacien",
    "pharmacy technician": "préparateur en pharmacie",
    "dentist": "chirurgien-dentiste",
    "dental assistant": "assistant dentaire",
    "dental hygienist": "assistant dentaire",
    "physical therapist": "masseur-kinésithérapeute",
    "occupational therapist": "ergothérapeute",
    "therapist": "thérapeute",
    "psychologist": "psychologue",
    "caregiver": "auxiliaire de vie",
    "home health aide": "aide à domicile",
    "paramedic": "ambulancier",
    "medical": "médical",
    "healthcare": "santé",
    "clinical": "clinique",
    "patient care": "soins",
    # social work and education
    "social worker": "assistant de service social",
    "case manager": "travailleur social",
    "counselor": "conseiller",
    "advocate": "conseiller",
    "teacher": "professeur",
    "teaching assistant": "assistant d'éducation",
    "tutor": "formateur",
    "instructor": "formateur",
    "trainer": "formateur",
    "professor": "enseignant-chercheur",
    "educator": "éducateur",
    "childcare": "petite enfance",
    "nanny": "garde d'enfants",
    "babysitter": "garde d'enfants",
    "librarian": "bibliothécaire",
    # law
    "attorney": "avocat",
    "lawyer": "avocat",
    "legal counsel": "juriste",
    "paralegal": "assistant juridique",
    "legal assistant": "assistant juridique",
    "legal": "juridique",
    # accounting, finance, banking, insurance
    "accountant": "comptable",
    "accounting": "comptabilité",
    "bookkeeper": "aide-comptable",
    "auditor": "auditeur",
    "controller": "contrôleur de gestion",
    "financial analyst": "analyste financier",
    "financial advisor": "conseiller en gestion de patrimoine",
    "finance": "finance",
    "tax": "fiscalité",
    "payroll": "gestionnaire de paie",
    "bank teller": "guichetier banque",
    "teller": "guichetier banque",
    "banker": "conseiller clientèle bancaire",
    "banking": "banque",
    "loan officer": "conseiller crédit banque",
    "credit analyst": "analyste crédit",
    "underwriter": "souscripteur assurance",
    "insurance agent": "agent général d'assurances",
    "insurance": "assurance",
    "claims adjuster": "gestionnaire sinistres assurance",
    "adjuster": "gestionnaire sinistres assurance",
    "claims": "sinistres assurance",
    # engineering, industry, construction
    "engineer": "ingénieur",
    "engineering": "ingénierie",
    "mechanical engineer": "ingénieur mécanique",
    "electrical engineer": "ingénieur électricité",
    "civil engineer": "ingénieur génie civil",
    "process engineer": "ingénieur procédés",
    "quality engineer": "ingénieur qualité",
    "quality assurance": "qualité",
    "design engineer": "ingénieur bureau d'études",
    "project engineer": "ingénieur de projet",
    "drafter": "dessinateur projeteur",
    "draftsman": "dessinateur projeteur",
    "technician": "technicien",
    "mechanic": "mécanicien",
    "auto mechanic": "mécanicien automobile",
    "automotive technician": "mécanicien automobile",
    "automotive": "automobile",
    "aircraft mechanic": "mécanicien aéronautique",
    "aviation mechanic": "mécanicien aéronautique",
    "maintenance": "maintenance",
    "electrician": "électricien",
    "plumber": "plombier",
    "carpenter": "menuisier",
    "welder": "soudeur",
    "machinist": "usineur",
    "machine operator": "conducteur de machine",
    "assembler": "monteur",
    "mason": "maçon",
    "painter": "peintre",
    "laborer": "manœuvre",
    "construction worker": "ouvrier du bâtiment",
    "construction": "bâtiment travaux",
    "superintendent": "conducteur de travaux",
    "construction manager": "conducteur de travaux",
    "foreman": "chef de chantier",
    "estimator": "métreur",
    "surveyor": "géomètre",
    "architect": "architecte",
    "manufacturing": "production industrielle",
    "production": "production",
    # transport and logistics
    "truck driver": "chauffeur poids lourd",
    "delivery driver": "chauffeur livreur",
    "driver": "chauffeur",
    "forklift operator": "cariste",
    "forklift": "cariste",
    "warehouse": "magasinier",
    "logistics": "logistique",
    "dispatcher": "agent d'exploitation transport",
    "pilot": "pilote de ligne",
    "flight attendant": "personnel navigant commercial",
    "aviation": "aéronautique",
    "aircraft": "aéronautique",
    "airline": "aérien",
    # retail and sales
    "cashier": "hôte de caisse",
    "sales associate": "vendeur",
    "salesperson": "vendeur",
    "sales representative": "commercial",
    "sales": "commercial",
    "account executive": "commercial",
    "store manager": "directeur de magasin",
    "retail": "vente",
    "merchandiser": "merchandiseur",
    "buyer": "acheteur",
    "purchasing": "achats",
    "business development": "développement commercial",
    "real estate agent": "agent immobilier",
    "realtor": "agent immobilier",
    # office, customer service, HR
    "customer service": "service client",
    "call center": "centre d'appels",
    "receptionist": "agent d'accueil",
    "administrative assistant": "assistant administratif",
    "executive assistant": "assistant de direction",
    "office manager": "responsable administratif",
    "secretary": "secrétaire",
    "clerk": "employé administratif",
    "data entry": "opérateur de saisie",
    "human resources": "ressources humaines",
    "hr": "ressources humaines",
    "recruiter": "chargé de recrutement",
    "recruiting": "recrutement",
    "talent acquisition": "recrutement",
    # marketing, media, arts, design
    "marketing": "marketing",
    "public relations": "relations presse",
    "communications": "communication",
    "social media": "community manager",
    "digital media": "médias numériques",
    "graphic designer": "designer graphique",
    "web designer": "webdesigner",
    "fashion designer": "styliste",
    "interior designer": "architecte d'intérieur",
    "designer": "designer",
    "photographer": "photographe",
    "writer": "rédacteur",
    "editor": "rédacteur",
    "journalist": "journaliste",
    "artist": "artiste",
    "musician": "musicien",
    "dancer": "danseur",
    "actor": "comédien",
    "apparel": "habillement",
    "fashion": "mode",
    "tailor": "couturier",
    "seamstress": "couturier",
    # sport
    "personal trainer": "coach sportif",
    "fitness instructor": "moniteur de fitness",
    "fitness": "fitness",
    "coach": "entraîneur sportif",
    "lifeguard": "maître-nageur",
    # farming and outdoors
    "farmer": "agriculteur",
    "farm": "exploitation agricole",
    "agriculture": "agriculture",
    "agricultural": "agricole",
    "agronomist": "agronome",
    "gardener": "jardinier",
    "landscaper": "jardinier paysagiste",
    "veterinary": "vétérinaire",
    "veterinarian": "vétérinaire",
    # security and public service
    "security guard": "agent de sécurité",
    "security officer": "agent de sécurité",
    "police officer": "policier",
    "firefighter": "sapeur-pompier",
    "janitor": "agent d'entretien",
    "custodian": "agent d'entretien",
    # IT
    "software engineer": "développeur",
    "software developer": "développeur",
    "developer": "développeur",
    "programmer": "développeur",
    "network engineer": "ingénieur réseaux",
    "network administrator": "administrateur réseaux",
    "system administrator": "administrateur système",
    "systems administrator": "administrateur système",
    "help desk": "technicien support informatique",
    "information technology": "informatique",
    "it technician": "technicien informatique",
    "it specialist": "technicien informatique",
    "it manager": "responsable informatique",
    "it support": "technicien support informatique",
    "data analyst": "data analyst",
    "data scientist": "data scientist",
    "business analyst": "analyste fonctionnel",
    # roles any field has
    "project manager": "chef de projet",
    "operations manager": "responsable des opérations",
    "general manager": "directeur",
    "vice president": "directeur",
    "chief executive officer": "directeur général",
    "chief financial officer": "directeur financier",
    "chief operating officer": "directeur des opérations",
    "director": "directeur",
    "manager": "responsable",
    "supervisor": "chef d'équipe",
    "team leader": "chef d'équipe",
    "coordinator": "coordinateur",
    "consultant": "consultant",
    "analyst": "analyste",
    "assistant": "assistant",
    "owner": "gérant",
}
# Role words any field has: alone they name no occupation ("Technician I" is not « technicien » of anything).
_GENERIC = frozenset(
    {
        "technicien", "responsable", "directeur", "chef d'équipe", "coordinateur", "consultant", "analyste",
        "assistant", "gérant", "ingénieur",
    }
)  # fmt: skip
_MAX_WORDS = max(len(key.split()) for key in GLOSSARY)
# Words only French titles use: such a title is left as it is ("Chef de chantier" is no cook).
_FRENCH = frozenset({"de", "du", "des", "la", "le", "les", "et", "en", "au", "aux", "d", "l", "h", "f"})
_WORD_RE = re.compile(r"[a-z]+")
_LINKS = frozenset({"of", "for", "in", "at"})
_ACCENTED_RE = re.compile(r"[à-ÿÀ-ß]")


def french_title(title: str) -> str | None:
    """``title`` in French words when it reads as English and names a known occupation word, else None.

    Example:
        >>> french_title("Senior Executive Chef"), french_title("Engineering Supervisor")
        ('chef de cuisine', "chef d'équipe ingénierie")
        >>> french_title("Director of Engineering")
        'directeur ingénierie'
        >>> french_title("Chef de chantier") is None, french_title("Technician I") is None
        (True, True)
    """
    pieces = _title_pieces(title)
    if all(piece in _GENERIC for piece in pieces):
        return None
    return " ".join(pieces)


def french_role(title: str) -> str | None:
    """The French role word of an English ``title`` that is only a role any field has ("Engineer" →
    « ingénieur », "technician" → « technicien »), else None (``french_title`` gives those None)."""
    if _ACCENTED_RE.search(title):
        return None
    words = _WORD_RE.findall(title.lower())
    if not words:
        return None
    french = GLOSSARY.get(" ".join(words)) or GLOSSARY.get(" ".join([*words[:-1], _singular(words[-1])]))
    return french if french in _GENERIC else None


def reads_as_english(title: str) -> bool:
    """True when ``title`` is worded in English ("Vice President", "Engineer"): no French word or accent,
    and some English occupation word of the glossary."""
    return bool(_title_pieces(title))


def _title_pieces(title: str) -> list[str]:
    """The French of the glossary phrases of an English ``title``, French head first; [] if not English."""
    if _ACCENTED_RE.search(title):
        return []  # accented letters: a French title
    words = _WORD_RE.findall(title.lower())
    if not words or any(w in _FRENCH for w in words):
        return []
    # "Director of Engineering": the head comes before "of", and French keeps that order.
    segments: list[list[str]] = [[]]
    for word in words:
        if word in _LINKS:
            segments.append([])
        else:
            segments[-1].append(word)
    pieces: list[str] = []
    for segment in segments:
        # English puts the head noun last, French first: "Marketing Manager" → "responsable marketing".
        for piece in reversed(_glossary_pieces(segment)):
            if piece not in pieces:
                pieces.append(piece)
    return pieces


def _glossary_pieces(words: list[str]) -> list[str]:
    """The French of each glossary phrase in ``words``, longest phrase first, in the English order."""
    pieces: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            phrase = words[i : i + size]
            # a recruiter's plural: "nursing assistants", "welders", "secretaries"
            key = next(
                (
                    k
                    for k in (" ".join(phrase), " ".join([*phrase[:-1], _singular(phrase[-1])]))
                    if k in GLOSSARY
                ),
                None,
            )
            if key is not None:
                pieces.append(GLOSSARY[key])
                i += size
                break
        else:
            i += 1
    return pieces


def _singular(word: str) -> str:
    """An English plural noun's singular ("nurses" → "nurse", "secretaries" → "secretary", "waitresses" →
    "waitress"); other words as they are."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word
