"""The phrases the offline planner recognises, French and English: acts, targets, constraints, fillers.

Patterns run on folded text (lowercase, no accents: ``services.utterance.text.fold``).
"""

from __future__ import annotations

import re
from typing import Literal

Act = Literal[
    "why", "compare", "details", "more", "farther", "closer", "anywhere", "any_contract", "for_my_cv",
    "what_if", "relax", "greet", "thanks", "help", "reset", "refine", "add", "search_verb", "missing",
    "any_language", "career_change",
]  # fmt: skip


def words(text: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string."""
    return frozenset(text.split())


FILE = re.compile(
    r"\[\s*(?:fichier|file|cv|upload|piece jointe|attachment)\s*:\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*\]"
)
ACTS: dict[Act, re.Pattern[str]] = {
    "why": re.compile(
        r"\bpourquoi\b|\bwhy\b|\bexpliqu\w*|\bexplain\w*|\ben quoi\b|\bcorrespond\w*|\bmatch(?:es|ing)?\b"
        r"|\bscore\b|\bcompatib\w*|\badequation\b|\bfits?\b|\bsuits?\b|\bpoints? (?:forts?|faibles?)\b"
        r"|\bqu'est-ce qui (?:me )?manque\b|\bce qui (?:me )?manque\b|\bwhat am i missing\b|\bmissing\b"
    ),
    "missing": re.compile(
        r"\bqu'est-ce qui (?:me |lui |leur )?manque\b|\bce qui (?:me |lui |leur )?manque\b|\bque (?:me |lui )?manque"
        r"|\bmanque-t-il\b|\bil (?:me |lui )manque\b|\bmanquant\w*|\blacunes?\b|\bwhat (?:am i|is he|is she|are they)"
        r" missing\b|\bwhat(?: is|'s) missing\b|\bmissing\b|\bgaps?\b|\bwhat do i lack\b"
    ),
    "compare": re.compile(
        r"\bcompar\w*|\bvs\.?(?=\s)|\bversus\b|\bdifferences?\b|\blaquelle\b|\blequel\b|\bwhich (?:one|is)\b"
    ),
    "details": re.compile(
        r"\bdetail\w*|\bplus d'infos?\b|\ben savoir plus\b|\bdecri\w*|\bdescription\b|\bmontre\w*|\bvoir\b"
        r"|\baffiche\w*|\btell me more\b|\bmore (?:about|info)\b|\bshow\b|\bopen\b|\bouvr(?:e|es|ez|ir|ons)\b|\bc'est quoi\b"
        r"|\bwhat is\b|\bsalaire\b|\bsalary\b"
    ),
    "more": re.compile(
        r"\bd'autres\b|\bplus de (?:resultats|offres|candidats|profils|propositions)\b"
        r"|\bautres (?:offres|resultats|candidats|profils)\b|\bencore\b|\bla suite\b"
        r"|\bmore (?:results|offers|jobs|candidates|profiles)\b|\bshow more\b|\bany others?\b"
        r"|\bother (?:offers|jobs|candidates)\b|\bsuivants?\b|\bsuivantes\b"
    ),
    "farther": re.compile(
        r"\bplus loin\b|\belargi\w*|\bagrandi\w*|\bfurther\b|\bfarther\b|\bwider\b|\bexpand\w*|\bplus large\b"
        r"|\bbigger radius\b|\bpas assez\b|\btrop peu\b"
    ),
    "closer": re.compile(
        r"\bmoins loin\b|\bplus pres\b|\bcloser\b|\bnarrower\b|\breduis\w*|\bplus proche\b|\bsmaller radius\b"
        r"|\btrop loin\b|\btoo far\b"
    ),
    "anywhere": re.compile(
        r"\bpartout\b|\btoute la france\b|\bpeu importe (?:le lieu|ou|la ville)\b|\banywhere\b|\bn'importe ou\b"
        r"|\bsans (?:filtre de )?(?:lieu|localisation)\b|\ball over france\b|\bwhole (?:of )?france\b"
        r"|\bany (?:city|location)\b"
    ),
    "any_contract": re.compile(
        r"\b(?:tous|toutes|n'importe quel|peu importe le) (?:les )?(?:types? de )?contrats?\b|\bany contract\b"
        r"|\ball contracts?\b|\bsans filtre de contrat\b"
    ),
    "any_language": re.compile(
        r"\bpeu importe (?:la|les) langues?\b|\bn'importe quelle langue\b|\bsans filtre de langues?\b"
        r"|\btoutes (?:les )?langues\b|\bany languages?\b|\bwhatever (?:the )?languages?\b"
        r"|\bno language filter\b"
    ),
    "for_my_cv": re.compile(
        r"\b(?:mon|ma|my) (?:cv|profil|profile|resume|parcours)\b|\bpour moi\b|\bme correspond\w*"
        r"|\bmatch(?:es)? me\b|\bfor me\b|\bsuits? me\b|\bm'irai\w*|\bd'apres (?:mon|ce) cv\b"
    ),
    "what_if": re.compile(
        r"\bet si\b|\bwhat if\b|\bsi j'(?:avais|apprenais|apprends|obtenais|obtiens|ajoutais|ajoute)\b"
        r"|\bif i (?:had|learn|learned|got|add|added|get)\b|\bsi je (?:passais|passe|faisais|fais|suivais)\b"
    ),
    "relax": re.compile(
        r"\bqu'est-ce qui changerait\b|\bque gagnerais-je\b|\bsi j'(?:elargissais|acceptais|assouplissais)\b"
        r"|\bcomment (?:avoir|obtenir|trouver) plus\b|\bassoupli\w*|\brelax\w*|\bwhat would change\b"
        r"|\bhow (?:can|could) i get more\b|\bif i (?:accepted|widened|relaxed)\b"
    ),
    "greet": re.compile(r"^\W*(?:bonjour|salut|hello|hi|hey|coucou|bonsoir|good (?:morning|evening))\b"),
    "thanks": re.compile(r"\bmerci\b|\bthanks?\b|\bthank you\b|\bparfait\b|\bgenial\b|\bgreat\b"),
    "help": re.compile(
        r"^\W*(?:aide|help|\?)\W*$|\bque (?:sais|peux)[- ]tu faire\b|\bwhat can you do\b"
        r"|\bcomment (?:ca|tu) marche\b|\bhow does (?:this|it) work\b|\btu fais quoi\b|\bqui es[- ]tu\b"
        r"|\bwho are you\b"
    ),
    "reset": re.compile(
        r"\bnouvelle recherche\b|\brecommen[cs]\w*|\boublie\w*|\bstart over\b|\breset\b|\bnew search\b"
        r"|\befface\w*"
    ),
    "refine": re.compile(
        r"^\W*(?:et|and|ok|okay|d'accord|bien|super|plutot|seulement|uniquement|juste|only|just|now"
        r"|maintenant|mais|but|what about|how about|instead|aussi|also|sinon|pareil|same|idem|meme chose"
        r"|cette fois)\b|\b(?:plutot|seulement|uniquement|only|instead|rather|aussi|also|too|egalement"
        r"|as well|en plus|pareil)\b"
    ),
    "add": re.compile(
        r"\b(?:aussi|egalement|en plus|also|too|as well|en outre|additionally)\b|^\W*(?:avec|with)\b"
    ),
    # Wanting another job than one's own: not a search for the old job ("j'étais vendeuse").
    "career_change": re.compile(
        r"\bchanger (?:de (?:metier|voie|carriere|branche|secteur|domaine|profession)|d'orientation)\b"
        r"|\b(?:me |se )?reconvertir\b|\breconversion\b|\bfaire autre chose\b|\bnouveau metier\b"
        r"|\bcareer (?:change|switch)\b|\b(?:change|switch)(?:ing)? (?:careers?|jobs? entirely)\b"
        r"|\bnew career\b|\bretrain(?:ing)?\b|\b(?:do|doing|try|trying) something (?:else|different)\b"
        r"|\bchange (?:fields?|professions?|occupations?)\b|\b(?:un )?autre (?:metier|voie)\b"
    ),
    "search_verb": re.compile(
        r"\b(?:trouve[rsz]?|cherche[rsz]?|recherche[rsz]?|montre[rsz]?|donne[rsz]?|liste[rsz]?|propose[rsz]?"
        r"|affiche[rsz]?|find|search|look(?:ing)? for|show|list|get me|need|besoin|recrute[rsz]?|hire|hiring"
        r"|veux|want|voudrais|would like|quelles? (?:sont les )?offres|any)\b(?:[- ]moi|[- ]nous| me| us)?"
    ),
}
# Words that say what to do, not what to search: blanked before the query is read.
REQUEST = re.compile(
    r"\b(?:voici|voila|here is|here's|here are|j'ai|i have|i've|je suis|i am|i'm|je (?:veux|voudrais|cherche|recherche|souhaite|souhaiterais|prefere)"
    r"|i (?:want|would like|would love|need|am looking for)|i'd (?:like|love)|i'm looking for|est-ce qu'il y a|y a-t-il|il y a"
    r"|are there|do you have|avez-vous|as-tu|tu as|quelles sont|quels sont|what are|peux-tu|pourrais-tu"
    r"|which|what|quels?|quelles?"
    r"|pouvez-vous|can you|could you|merci|thanks|thank you|s'il te plait|s'il vous plait|please|stp|svp"
    r"|beaucoup|a lot|very much|so much|bien"
    r"|bonjour|salut|hello|hi|hey|bonsoir|coucou"
    # Where one lives or wants to stay is said by the place that follows ("je veux rester à Bordeaux").
    r"|je (?:prefere|voudrais|veux|souhaite|souhaiterais)? ?rester|rester|j'habite|je vis|je suis base|i live"
    r"|i (?:want to |would like to |'d like to )?stay|(?:du |un )?(?:travail|boulot) comme|en tant que|comme)\b"
    # Attempts to make the assistant drop its rules are not search words either.
    r"|\bignore[rsz]? (?:(?:toutes? )?(?:tes|vos|les|your|all|all your|the|previous|all previous) )?(?:\w+ )?"
    r"instructions?(?: precedentes| previous)?\b|\b(?:ton|votre|le|your|the) prompt(?: systeme)?\b"
    r"|\bsystem prompt\b|\bprompt systeme\b"
)
FIRST_JOB = re.compile(r"\b(?:mon |my )?(?:premier|first) (?:emploi|job|poste)\b")
YEARS_PLAIN = re.compile(
    r"\b(?P<n>\d{1,2})\s*(?:ans|annees|years?|yrs)\s*(?:d'experience|d experience|of experience|experience|d'xp|xp)\b"
)
# A career change towards a named job (« me reconvertir en boulanger », "become a nurse"): a search for that
# job, not suggestions away from it. Matched on folded text; the words are not searched.
CAREER_TARGET = re.compile(
    r"\b(?:me |se |te )?(?:reconvertir|reconversion(?: professionnelle)?|changer de (?:metier|voie|carriere))"
    r" (?:en|vers|dans|comme|pour devenir)\b|\bdevenir\b|\bbecom(?:e|ing)\b"
    r"|\b(?:retrain(?:ing)?|career (?:change|switch)|switch(?:ing)? careers?|change careers?) (?:to|into|as)\b"
)
NOT_QUERY: tuple[Act, ...] = (
    "why", "compare", "details", "more", "farther", "closer", "anywhere", "any_contract", "for_my_cv",
    "what_if", "relax", "greet", "thanks", "help", "reset", "refine", "add", "search_verb", "missing",
    "any_language", "career_change",
)  # fmt: skip
CANDIDATE_TARGET = re.compile(
    r"\b(?:candidats?|candidates?|candidates?|profils|profiles|talents?|postulants?|applicants?)\b"
    r"|\b(?:des|les|de|some|the) (?:cvs?|profils?|profiles?)\b|\b(?:recruter|embaucher|hire|hiring|recrute)\b"
)
OFFER_TARGET = re.compile(
    r"\b(?:offres?|offers|annonces?|job (?:offers?|ads?|postings?)|postings?|vacanc(?:y|ies)|openings?)\b"
)
OFFER_TARGET_SEEKER = re.compile(r"\b(?:emplois?|postes?|jobs?|boulots?|missions?|travail|work|positions?)\b")
REMOTE_NO = re.compile(
    r"\b(?:sans|pas de|pas en|no|non|without|hors)\s+(?:teletravail|remote|travail a distance)\b"
    r"|\bsur site\b|\bon[- ]site\b|\ben presentiel\b|\bin[- ]office\b"
)
RADIUS = re.compile(
    r"\b(?:dans un rayon de|rayon de|a moins de|within|a|jusqu'a|up to)?\s*(?P<km>\d{1,3})\s*km\b(?:\s*(?:max|maximum|autour|around))?"
)
EXPERIENCE_AT_MOST = re.compile(
    r"\b(?:moins de|au plus|au maximum|maximum|max\.?|less than|at most|under|up to)\s*(?P<n>\d{1,2})\s*"
    r"(?:ans|annees|years?|yrs)\b(?:\s*(?:d'experience|d experience|of experience|experience))?"
)
EXPERIENCE_AT_LEAST = re.compile(
    r"\b(?:au moins|plus de|minimum|min\.?|at least|over|more than)\s*(?P<n>\d{1,2})\s*(?:ans|annees|years?|yrs)\b"
    r"(?:\s*(?:d'experience|d experience|of experience|experience))?|\b(?P<m>\d{1,2})\s*\+\s*(?:ans|years?)\b"
)
AMOUNT = (
    r"(?P<amount>\d{1,3}(?:[ .]\d{3})+|\d+(?:[.,]\d+)?)\s*(?P<k>k)?\s*(?P<cur>€|euros?|eur\b)?\s*(?P<k2>k)?"
)
PERIOD = (
    r"(?:\s*(?:brut|bruts|net|nets|gross))?(?:\s*(?:par|per|/|a l'|l'|a|an|each|every|chaque)?\s*"
    r"(?P<period>mois|month|mensuel|monthly|an\b|annee|annuel(?:le)?|year|yearly|annual|k?\s*/\s*an))?"
)
SALARY_KEYWORD = re.compile(
    r"\b(?:salaire|remuneration|salary|pay|paye|paid|gagner|earn)\b[^0-9]{0,30}?" + AMOUNT + PERIOD
)
# A bare amount counts only with its currency: "2000 €", "35k€ par an".
SALARY_BARE = re.compile(
    r"(?<![\w.,])(?P<amount>\d{1,3}(?:[ .]\d{3})+|\d+(?:[.,]\d+)?)\s*(?P<k>k)?\s*(?P<cur>€|euros?|eur\b)\s*(?P<k2>k)?"
    + PERIOD
)
SALARY_FLOOR = re.compile(
    r"(?:\b(?:au moins|minimum|mini|min\.?|a partir de|plus de|superieure? a|at least|over|above|more than|"
    r"starting at|from)|>=?|≥)\s*" + AMOUNT + PERIOD
)
STOP_EDGE = words(
    """et and ok okay d'accord bien super plutot seulement uniquement juste only just now maintenant mais
    but what about how instead aussi also too egalement as well en plus sinon pareil same merci stp svp
    please s'il te plait vous des de du d' les la le l' un une a au aux en pour for in of the some avec
    with qui who sont is are me moi je i we nous on y il ya cette fois alors donc bon ? one ones mon ma
    mes my que quoi what an as to work working dans sur near ou or ceux celles those bref enfin"""
)
NOISE_WORDS = re.compile(
    r"\b(?:offres?|offers?|annonces?|candidats?|candidates?|profils?|profiles?|postes?|emplois?|jobs?|d'emploi"
    r"|de poste|openings?|positions?|roles?|vacanc(?:y|ies)|talents?|cv|cvs|resultats?|results?|s'il (?:te|vous) plait|please|stp|svp"
    r"|travail|boulot|disponibles?|available|ayant|having|connaissant|maitrisant|qui (?:connaissent|maitrisent|ont)"
    r"|who (?:know|have)|open to|(?:qui )?(?:acceptent|accepte|acceptant)|(?:who )?(?:accepts?|accepting)"
    r"|(?:qui sont )?(?:ouverte?s? (?:au|a la|a))|willing to (?:work|do)|publiee?s?|published|posted|mises? en ligne|beaucoup|a lot|very much|so much"
    r"|au minimum|minimum|mini|maximum)\b"
)
# Small words that only link what was removed ("infirmière en CDI ou CDD" → "infirmière").
CONNECTORS = words(
    """en ou et or and dans in a au aux avec with sans without de d' du des pour for sur on at near pres
    autour around vers to un une a an as the le la les l'"""
)
# English names of French regions the gazetteer knows in French (same length is not needed: the
# substitution happens before any offset is taken).
# "à Trifouillis-les-Oies", "near Springfield": a capitalised name after a place preposition that the
# gazetteer did not know. Read as a place (the search tool then says it is unknown, with suggestions)
# rather than searched as words of the job.
UNKNOWN_PLACE = re.compile(
    r"(?:(?<=\s)|^)(?:à|a|près de|pres de|autour de|proche de|vers|in|near|around)\s+"
    r"(?P<name>[A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜ][\w'-]*(?:[ -](?:(?:sur|sous|les|le|la|en|de|du|des)[ -])?"
    r"[A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜ][\w'-]*)*)"
)
ENGLISH_PLACES = [
    (re.compile(r"\bbrittany\b", re.I), "Bretagne"),
    (re.compile(r"\bnormandy\b", re.I), "Normandie"),
    (re.compile(r"\bcorsica\b", re.I), "Corse"),
    (re.compile(r"\bburgundy\b", re.I), "Bourgogne-Franche-Comté"),
    (re.compile(r"\b(?:the )?(?:greater )?paris (?:area|region)\b", re.I), "Île-de-France"),
]
# English contract phrases the interpreter reads only in the singular, and English exclusions.
MORE_CONTRACTS = [
    (
        re.compile(
            r"\bpermanent (?:contracts|jobs|positions|roles)\b|\bpermanent\b(?= (?:job|role|position))"
        ),
        "CDI",
    ),
    (re.compile(r"\bfixed[- ]term (?:contracts?|jobs?|positions?)\b"), "CDD"),
    (re.compile(r"\btemp(?:orary)? (?:jobs|work|assignments?|missions?)\b"), "MIS"),
    (re.compile(r"\bapprenticeships\b|\bwork[- ]study\b"), "ALT"),
    (re.compile(r"\bfreelances\b|\bcontractor\b"), "LIB"),
]
EXCLUDE_MORE = re.compile(
    r"\b(?:without|no|not|pas d'|pas de|sans)\s*(?:any )?(?:temp(?:orary)?(?: work| jobs?)?|interim|agency work)\b"
)
ANYWHERE_EXTRA = re.compile(
    r"\b(?:partout )?en france\b|\b(?:all over |anywhere in |in )france\b|\bfrance entiere\b"
)
# Words that name a job far more often than the tech skill they also spell ("chefs cuisiniers" are cooks,
# not Chef Infra users): never read as skills.
JOB_NOT_SKILL = words("chef chefs")
FUZZY_SKIP = words(
    """developpeur developpeurs developer developers ingenieur ingenieurs engineer engineers senior seniors
    junior juniors confirme confirmes technicien techniciens manager managers consultant consultants
    chef responsable assistant assistante commercial commerciale vendeur vendeuse infirmier infirmiere
    serveur serveuse cuisinier boulanger plombier electricien comptable chauffeur cariste magasinier
    agent agents aide ouvrier ouvriers operateur operatrice analyste architecte designer"""
)
