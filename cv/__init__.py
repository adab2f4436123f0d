"""Offline CV parser: PDF, DOCX, TXT or MD in; a searchable profile and, apart, personal data out.

Example:
    >>> parsed = parse_cv("cv.pdf")  # doctest: +SKIP
    >>> parsed.profile.title, parsed.profile.total_experience_years, parsed.personal.email  # doctest: +SKIP
    ('Développeur Python senior', 6.8, 'marie.dupont@example.fr')
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from cv.errors import (
    CorruptedCVError,
    CVFileTooLargeError,
    CVParseError,
    CVTextTooLongError,
    CVTooManyPagesError,
    CVTooShortError,
    EmptyCVError,
    EncryptedPDFError,
    ScannedPDFError,
    UnsupportedCVFormatError,
    ZipBombError,
)
from cv.extract import CVLimits, ExtractedText, SourceFormat, extract_text
from cv.location import PlaceResolver
from cv.models import CandidateProfile, ParsedCV, PersonalData, Span
from cv.occupation import OccupationResolver
from cv.skills import SkillExtractor
from cv.structure import structure_cv

__all__ = [
    "CVFileTooLargeError",
    "CVLimits",
    "CVParseError",
    "CVTextTooLongError",
    "CVTooManyPagesError",
    "CVTooShortError",
    "CandidateProfile",
    "CorruptedCVError",
    "EmptyCVError",
    "EncryptedPDFError",
    "ExtractedText",
    "ParsedCV",
    "PersonalData",
    "ScannedPDFError",
    "Span",
    "UnsupportedCVFormatError",
    "ZipBombError",
    "extract_text",
    "parse_cv",
    "parse_cv_text",
    "read_cv_file",
]

Default = Literal["default"]


def _default_taxonomy() -> SkillExtractor:
    from referentials.taxonomy import default_skill_taxonomy

    return default_skill_taxonomy()


def _default_occupations() -> OccupationResolver:
    from referentials.taxonomy import default_rome

    return default_rome()


def _default_gazetteer() -> PlaceResolver:
    from referentials.geo import default_gazetteer

    return default_gazetteer()


def parse_cv_text(
    text: str,
    *,
    source_format: SourceFormat = "txt",
    taxonomy: SkillExtractor | Default | None = "default",
    gazetteer: PlaceResolver | Default | None = "default",
    occupations: OccupationResolver | Default | None = "default",
    today: date | None = None,
) -> ParsedCV:
    """Structure an already extracted and normalised CV text (see ``extract_text``).

    ``taxonomy`` and ``gazetteer`` default to the shared ``matching`` referentials; pass None to skip
    skills or geocoding, or a small fake in tests; ``occupations`` (the ROME referential) likewise for
    the target ROME codes.
    """
    tax = _default_taxonomy() if taxonomy == "default" else taxonomy
    gaz = _default_gazetteer() if gazetteer == "default" else gazetteer
    occ = _default_occupations() if occupations == "default" else occupations
    result = structure_cv(text, taxonomy=tax, gazetteer=gaz, occupations=occ, today=today)
    return ParsedCV(
        profile=result.profile,
        personal=result.personal,
        text=result.text,
        source_format=source_format,
        warnings=result.warnings,
    )


def read_cv_file(path: str | Path, limits: CVLimits | None = None) -> bytes:
    """A CV file's bytes, its size checked before anything is read (a 1 GB file costs nothing).

    Raises:
        CVFileTooLargeError: the file (or what it grew to while being read) is over ``limits.max_bytes``.
    """
    path = Path(path)
    limit = (limits or CVLimits()).max_bytes
    size = path.stat().st_size
    if size > limit:
        raise CVFileTooLargeError(path.name, size, limit)
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise CVFileTooLargeError(path.name, len(data), limit)
    return data


def parse_cv(
    path_or_bytes: str | Path | bytes,
    filename: str | None = None,
    *,
    limits: CVLimits | None = None,
    taxonomy: SkillExtractor | Default | None = "default",
    gazetteer: PlaceResolver | Default | None = "default",
    occupations: OccupationResolver | Default | None = "default",
    today: date | None = None,
) -> ParsedCV:
    """Parse a CV file (PDF, DOCX, TXT, MD) into a profile and, kept apart, personal data.

    Args:
        path_or_bytes: a path to the file, or its bytes.
        filename: the file's name when bytes are given (messages, ``.md`` hint); defaults to the path's.
        limits: size, page and length bounds (``CVLimits()``: 10 MB, 30 pages, 200,000 characters).
        taxonomy: skill taxonomy (default: ``referentials.taxonomy.default_skill_taxonomy()``).
        gazetteer: French gazetteer (default: ``referentials.geo.default_gazetteer()``).
        occupations: ROME referential for the target ROME codes (default:
            ``referentials.taxonomy.default_rome()``).
        today: the date "présent"/"aujourd'hui"/"current" stands for (default: today).

    Returns:
        ``ParsedCV``: ``profile`` (spans index ``text``), ``personal``, ``text`` (redacted), ``warnings``.

    Raises:
        CVParseError: a subclass with an actionable French/English message (encrypted or scanned PDF,
            empty or too short text, damaged file, zip bomb, too many pages, too large, unsupported).
    """
    if isinstance(path_or_bytes, bytes):
        data = path_or_bytes
    else:
        path = Path(path_or_bytes)
        filename = filename or path.name
        data = read_cv_file(path, limits)
    extracted = extract_text(data, filename, limits)
    parsed = parse_cv_text(
        extracted.text,
        source_format=extracted.source_format,
        taxonomy=taxonomy,
        gazetteer=gazetteer,
        occupations=occupations,
        today=today,
    )
    parsed.pages = extracted.pages
    parsed.warnings = extracted.warnings + parsed.warnings
    return parsed
