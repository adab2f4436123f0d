"""Why a CV could not be read. Each message says what to do, French first, English second.

Every error is raised instead of returning a partial or invented profile: the caller shows the message
to the user as is (the agent turns it into a short tool error the model can act on).
"""

from __future__ import annotations

from domain.errors import InputFormatError

_MB = 1024 * 1024


def _name(filename: str | None) -> str:
    return f"« {filename} »" if filename else "le CV"


def _Name(filename: str | None) -> str:
    return f"« {filename} »" if filename else "Le CV"


class CVParseError(InputFormatError):
    """A CV file cannot be turned into a profile."""

    def __init__(self, message: str, filename: str | None = None) -> None:
        super().__init__(message)
        self.filename = filename


class UnsupportedCVFormatError(CVParseError):
    """The file is not a PDF, DOCX, TXT or MD document."""

    def __init__(self, filename: str | None, detected: str) -> None:
        super().__init__(
            f"Format non pris en charge pour {_name(filename)} ({detected}) : envoyez un PDF texte, un DOCX "
            "ou un fichier TXT. / Unsupported file format: send a text PDF, a DOCX or a TXT file.",
            filename,
        )
        self.detected = detected


class CVFileTooLargeError(CVParseError):
    """The file is bigger than the size limit."""

    def __init__(self, filename: str | None, size: int, limit: int) -> None:
        super().__init__(
            f"{_Name(filename)} est trop volumineux ({size / _MB:.1f} Mo, maximum "
            f"{limit / _MB:.0f} Mo) : compressez les images ou exportez un PDF plus léger. / "
            f"The file is too large ({size / _MB:.1f} MB, limit {limit / _MB:.0f} MB).",
            filename,
        )
        self.size = size
        self.limit = limit


class CVTooManyPagesError(CVParseError):
    """The document has more pages than a CV plausibly has."""

    def __init__(self, filename: str | None, pages: int, limit: int) -> None:
        super().__init__(
            f"{_Name(filename)} compte {pages} pages (maximum {limit}) : un CV tient en "
            f"quelques pages, envoyez uniquement le CV. / The document has {pages} pages (limit {limit}): "
            "send the CV only.",
            filename,
        )
        self.pages = pages
        self.limit = limit


class CVTextTooLongError(CVParseError):
    """The extracted text is longer than the character limit."""

    def __init__(self, filename: str | None, chars: int, limit: int) -> None:
        super().__init__(
            f"{_Name(filename)} contient trop de texte ({chars} caractères, maximum {limit}) : "
            f"envoyez uniquement le CV. / The document holds too much text ({chars} characters, limit "
            f"{limit}): send the CV only.",
            filename,
        )
        self.chars = chars
        self.limit = limit


class EncryptedPDFError(CVParseError):
    """The PDF needs a password to be opened."""

    def __init__(self, filename: str | None) -> None:
        super().__init__(
            f"Impossible de lire {_name(filename)} : ce PDF est protégé par un mot de passe : retirez la "
            "protection (ou imprimez-le en PDF) puis renvoyez-le. / This PDF is password-protected: remove "
            "the password and send it again.",
            filename,
        )


class ScannedPDFError(CVParseError):
    """The PDF only holds images (a scan): there is no text layer to read."""

    def __init__(self, filename: str | None, pages: int) -> None:
        super().__init__(
            f"Impossible de lire {_name(filename)} : ce PDF ne contient pas de texte (scan) : envoyez un PDF "
            f"texte ou un DOCX. / This PDF has no text layer ({pages} scanned page(s)): send a text PDF or "
            "a DOCX.",
            filename,
        )
        self.pages = pages


class EmptyCVError(CVParseError):
    """The file holds no text at all."""

    def __init__(self, filename: str | None) -> None:
        super().__init__(
            f"{_Name(filename)} est vide : vérifiez que vous avez envoyé le bon fichier. / "
            "The file is empty: check that you sent the right file.",
            filename,
        )


class CVTooShortError(CVParseError):
    """The text is too short to build a profile from."""

    def __init__(self, filename: str | None, lines: int, chars: int, min_lines: int, min_chars: int) -> None:
        super().__init__(
            f"{_Name(filename)} contient trop peu de texte pour construire un profil ({lines} "
            f"ligne(s), {chars} caractères ; minimum {min_lines} lignes et {min_chars} caractères) : "
            "envoyez le CV complet. / Too little text to build a profile: send the full CV.",
            filename,
        )
        self.lines = lines
        self.chars = chars


class CorruptedCVError(CVParseError):
    """The file claims a format but its content is damaged; ``detail`` says what the reader hit."""

    def __init__(self, filename: str | None, kind: str, detail: str = "") -> None:
        super().__init__(
            f"Impossible de lire {_name(filename)} : le fichier {kind} est endommagé : ouvrez-le et "
            f"réenregistrez-le, ou exportez-le en PDF. / The {kind} file is corrupted: open it, save it "
            "again or export it as PDF.",
            filename,
        )
        self.kind = kind
        self.detail = detail


class ZipBombError(CVParseError):
    """A DOCX whose content would decompress to an unreasonable size."""

    def __init__(self, filename: str | None, uncompressed: int, limit: int) -> None:
        super().__init__(
            f"{_Name(filename)} a été refusé : son contenu décompressé est anormalement "
            f"volumineux ({uncompressed / _MB:.0f} Mo, maximum {limit / _MB:.0f} Mo). Réenregistrez le "
            "document ou exportez-le en PDF. / Rejected: the DOCX would decompress to "
            f"{uncompressed / _MB:.0f} MB (limit {limit / _MB:.0f} MB).",
            filename,
        )
        self.uncompressed = uncompressed
        self.limit = limit
