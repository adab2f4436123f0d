"""What a "nothing matches" says: one sentence naming the occupation, what was asked and the nearest offers."""

from __future__ import annotations

from domain.salary import format_euros
from domain.search import SearchFilters
from services.offer_search import NoMatch


def _experience_words(filters: SearchFilters, en: bool) -> str:
    """The asked experience as an offer's requirement (« demandant au moins 3 ans d'expérience »)."""
    low, high = filters.experience_min_months, filters.experience_max_months
    if high == 0:
        return " open to beginners" if en else " ouverte aux débutants"
    if low is not None:
        years = f"{low / 12:g}"
        return (
            f" asking at least {years} years of experience"
            if en
            else f" demandant au moins {years} an(s) d'expérience"
        )
    if high is not None:
        years = f"{high / 12:g}"
        return (
            f" asking at most {years} years of experience"
            if en
            else f" demandant au plus {years} an(s) d'expérience"
        )
    return ""


def describe_no_match(no_match: NoMatch, filters: SearchFilters, language: str = "fr") -> str:
    """One sentence saying that nothing matches, and where the nearest real offers are.

    Example:
        « Aucune offre d'Aide-soignant à moins de 30 km de Rennes. Les plus proches : Orvault (105 km). »
    """
    en = language == "en"
    where = ""
    if no_match.place:
        radius = f"{no_match.radius_km:g}" if no_match.radius_km is not None else "?"
        where = (
            f" within {radius} km of {no_match.place}"
            if en
            else f" à moins de {radius} km de {no_match.place}"
        )
    elif "place" in no_match.relaxed and filters.departments:
        codes = ", ".join(filters.departments)
        single = len(filters.departments) == 1
        where = (
            f" in département{'' if single else 's'} {codes}"
            if en
            else f" dans le{'' if single else 's'} département{'' if single else 's'} {codes}"
        )
    contract = ""
    if "contract" in no_match.relaxed and filters.contracts:
        contract = f" ({', '.join(filters.contracts)})"
    if "remote" in no_match.relaxed and filters.remote is not None:
        if filters.remote:
            contract += " with remote work" if en else " en télétravail"
        else:
            contract += " on site" if en else " sur site"
    if "experience" in no_match.relaxed:
        contract += _experience_words(filters, en)
    if filters.salary_min_monthly:  # the floor is kept when the place or contract is relaxed
        floor = format_euros(filters.salary_min_monthly, "en" if en else "fr")
        contract += f" paying at least {floor} €/month" if en else f" payée au moins {floor} €/mois"
    nearest = ", ".join(
        f"{a.location or '?'}" + (f" ({a.distance_km:g} km)" if a.distance_km is not None else "")
        for a in no_match.alternatives[:3]
    )
    of = "d'" if no_match.occupation[:1].lower() in "aeéèêiîoôuyh" else "de "
    if not no_match.alternatives:  # none of the occupation, every condition relaxed
        if not contract and not where:
            return (
                f"No {no_match.occupation} offer at the moment."
                if en
                else (f"Aucune offre {of}{no_match.occupation} pour le moment.")
            )
        if en:
            return f"No {no_match.occupation} offer{contract}{where}, even more widely."
        return f"Aucune offre {of}{no_match.occupation}{contract}{where}, même en élargissant la recherche."
    if en:
        return f"No {no_match.occupation} offer{contract}{where}. Nearest: {nearest}."
    return f"Aucune offre {of}{no_match.occupation}{contract}{where}. Les plus proches : {nearest}."
