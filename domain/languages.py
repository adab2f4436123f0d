"""Language names, French and English, as the CV parser and the request reader know them (no dependency)."""

from __future__ import annotations

import re

LANGUAGE_NAMES: dict[str, str] = {
    "francais": "français",
    "french": "français",
    "anglais": "anglais",
    "english": "anglais",
    "espagnol": "espagnol",
    "spanish": "espagnol",
    "castillan": "espagnol",
    "allemand": "allemand",
    "german": "allemand",
    "italien": "italien",
    "italian": "italien",
    "portugais": "portugais",
    "portuguese": "portugais",
    "arabe": "arabe",
    "arabic": "arabe",
    "chinois": "chinois",
    "mandarin": "chinois",
    "chinese": "chinois",
    "cantonais": "cantonais",
    "cantonese": "cantonais",
    "japonais": "japonais",
    "japanese": "japonais",
    "russe": "russe",
    "russian": "russe",
    "neerlandais": "néerlandais",
    "dutch": "néerlandais",
    "flamand": "néerlandais",
    "polonais": "polonais",
    "polish": "polonais",
    "turc": "turc",
    "turkish": "turc",
    "hindi": "hindi",
    "coreen": "coréen",
    "korean": "coréen",
    "roumain": "roumain",
    "romanian": "roumain",
    "grec": "grec",
    "greek": "grec",
    "suedois": "suédois",
    "swedish": "suédois",
    "norvegien": "norvégien",
    "norwegian": "norvégien",
    "danois": "danois",
    "danish": "danois",
    "finnois": "finnois",
    "finnish": "finnois",
    "hebreu": "hébreu",
    "hebrew": "hébreu",
    "vietnamien": "vietnamien",
    "vietnamese": "vietnamien",
    "ukrainien": "ukrainien",
    "ukrainian": "ukrainien",
    "tamoul": "tamoul",
    "tamil": "tamoul",
    "bengali": "bengali",
    "ourdou": "ourdou",
    "urdu": "ourdou",
    "persan": "persan",
    "farsi": "persan",
    "persian": "persan",
    "wolof": "wolof",
    "swahili": "swahili",
    "berbere": "berbère",
    "kabyle": "berbère",
    "amazigh": "berbère",
    "creole": "créole",
    "catalan": "catalan",
    "basque": "basque",
    "breton": "breton",
    "corse": "corse",
    "occitan": "occitan",
    "tagalog": "tagalog",
    "thai": "thaï",
    "indonesien": "indonésien",
    "indonesian": "indonésien",
    "tcheque": "tchèque",
    "czech": "tchèque",
    "hongrois": "hongrois",
    "hungarian": "hongrois",
    "bulgare": "bulgare",
    "bulgarian": "bulgare",
    "serbe": "serbe",
    "serbian": "serbe",
    "croate": "croate",
    "croatian": "croate",
    "albanais": "albanais",
    "albanian": "albanais",
    "armenien": "arménien",
    "armenian": "arménien",
    "langue des signes": "langue des signes",
    "sign language": "langue des signes",
    "american sign language": "langue des signes",
    "lsf": "langue des signes",
}
"""Folded language names, French and English (``english``, ``anglais``) → the key CVs are stored under."""


# Languages a recruiter asks candidates to speak ("seulement ceux qui parlent anglais", "English-speaking
# candidates"): a language filter, never a skill nor words of the job (the chat's reading and the query
# interpreter of `bassin search-candidates` alike).
_LANGUAGE_NAME = "|".join(sorted((n for n in LANGUAGE_NAMES if " " not in n), key=len, reverse=True))
_PHONES = {
    "anglophone": "anglais", "hispanophone": "espagnol", "germanophone": "allemand", "lusophone": "portugais",
    "italophone": "italien", "arabophone": "arabe", "russophone": "russe", "sinophone": "chinois",
    "francophone": "français", "neerlandophone": "néerlandais",
}  # fmt: skip
LANGUAGE_WANTED = re.compile(
    r"\b(?:(?:ceux|celles|those|the ones|people|candidates?|candidats?|profils?|profiles?)\s+)?"
    r"(?:(?:qui|who|that)\s+)?(?:(?:savent|sait|can)\s+)?"
    r"(?:parlent|parle|parlant|maitrisent|maitrisant|speak|speaks|speaking|fluent in|bilingues?(?: en)?"
    r"|bilingual(?: in)?|with)\s+(?:(?:l'|le |la |en |couramment |fluently |fluent )\s*){0,2}"
    rf"(?P<a>{_LANGUAGE_NAME})(?:\s*(?:,|et|and|&|ou|or)\s*(?:l')?(?P<b>{_LANGUAGE_NAME}))?\b"
    r"(?:\s+(?:courant|couramment|fluently|fluent|bilingue))?"
    rf"|\b(?P<c>{_LANGUAGE_NAME})[- ](?:speaking|speakers?)\b"
    rf"|\b(?P<p>{'|'.join(_PHONES)})s?\b"
)


def wanted_languages(match: re.Match[str]) -> list[str]:
    """The language keys (as CVs store them: ``anglais``) a ``LANGUAGE_WANTED`` match names."""
    names = [match.group(g) for g in ("a", "b", "c") if match.group(g)]
    keys = [LANGUAGE_NAMES[n] for n in names]
    if match.group("p"):
        keys.append(_PHONES[match.group("p")])
    return keys
