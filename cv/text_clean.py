"""Decoding and clean-up shared by every extractor, so that offsets index one canonical text."""

from __future__ import annotations

import codecs
import re
import unicodedata

# Glyphs CV templates use as bullets, private-use Wingdings/Symbol code points included.
_BULLETS = "•●▪■◦○◆◇►▶➢➤✓✔❖➔→\uf0b7\uf0a7\uf0d8\uf076\uf0fc\uf0a8\uf0e8\uf06e\uf0be"
_BULLET_RE = re.compile(f"[{re.escape(_BULLETS)}]")
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES_RE = re.compile("[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES_RE = re.compile(r"\n{3,}")
# Text that was UTF-8, decoded as cp1252 somewhere upstream ("dÃ©veloppeur", "â€“").
_MOJIBAKE_RE = re.compile(
    "[ÂÃâÅÆÇÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáãäåæçèéêëìíîïð][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,3}"
)
_LEFTOVER_MOJIBAKE = {"ï¼": " - "}
_LONE_A_CIRCUMFLEX_RE = re.compile(r"(?<=\s)Â(?=\s)")  # a no-break space whose second byte was lost


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a plain-text file: BOMs, then strict UTF-8, then cp1252, then latin-1.

    Returns:
        The text and the encoding that decoded it.

    Example:
        >>> decode_text("Développeur".encode("cp1252"))
        ('Développeur', 'cp1252')
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def looks_binary(data: bytes) -> bool:
    """True when the bytes are not text: NUL bytes or many control characters in the first 4 KiB."""
    head = data[:4096]
    if not head:
        return False
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(head) > 0.05


def _repair_mojibake(text: str) -> str:
    def fix(match: re.Match[str]) -> str:
        run = match.group(0)
        try:
            raw = b"".join(c.encode("cp1252") if ord(c) > 255 else bytes([ord(c)]) for c in run)
            return raw.decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return run

    if not any(c in text for c in "ÃÂâï"):
        return text
    text = _MOJIBAKE_RE.sub(fix, text)
    for bad, good in _LEFTOVER_MOJIBAKE.items():
        text = text.replace(bad, good)
    return _LONE_A_CIRCUMFLEX_RE.sub("", text)


def normalize_text(text: str) -> str:
    """Canonical form every span indexes: NFC, repaired mojibake, one space, ``•`` bullets, no blank runs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _ZERO_WIDTH_RE.sub("", text)
    text = _repair_mojibake(unicodedata.normalize("NFC", text))
    text = _BULLET_RE.sub("•", text)
    text = unicodedata.normalize("NFC", text)
    lines = [_SPACES_RE.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return _BLANK_LINES_RE.sub("\n\n", text).strip()


_MD_HEADING_RE = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_MD_EMPHASIS_RE = re.compile(r"(\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*]))")
_MD_LINK_RE = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_MD_BULLET_RE = re.compile(r"^\s*[-*+]\s+", re.MULTILINE)
_MD_RULE_RE = re.compile(r"^\s*([-*_]\s*){3,}$", re.MULTILINE)


def strip_markdown(text: str) -> str:
    """Drop Markdown markup, keep its lines: headings stay headings, bullets become ``•`` items."""
    text = _MD_RULE_RE.sub("", text)
    text = _MD_HEADING_RE.sub("", text)
    text = _MD_LINK_RE.sub(r"\1 (\2)", text)
    text = _MD_BULLET_RE.sub("• ", text)
    return _MD_EMPHASIS_RE.sub("", text)
