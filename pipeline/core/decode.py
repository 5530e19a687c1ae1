"""Bytes to text: pick the encoding, refuse what is not a usable text document.

Encoding order, decided by evidence: byte-order mark; valid UTF-8; UTF-8 as
the page's majority encoding, or with a cleaner reading of the non-ASCII
words than the single-byte choice (stray bytes repaired as windows-1252,
warned as ``mixed_encoding``); the charset declared by HTTP; the ``<meta>``
declaration; windows-1252, the commonest mislabel, when the page reads
plausibly in it; charset-normalizer's detection. Declared charsets are mapped
the way browsers map them (WHATWG), e.g. ISO-8859-1 is read as windows-1252.
"""
from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

from pipeline.core.models import RawDocument, Unusable
from pipeline.core.parser_limits import PARSER_MAX_DEPTH, parser_truncation
from pipeline.core.urls import canonical_url
from pipeline.settings import Settings

META_SCAN_BYTES = 8192  # HTML5 says 1024; real pages put <meta charset> after long scripts
DETECTION_SAMPLE_BYTES = 256 * 1024  # charset-normalizer time grows with input size
MAX_CONTROL_CHAR_SHARE = 0.02

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
WHATWG_ALIASES = {
    "iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252",
    "us-ascii": "cp1252", "iso-8859-9": "cp1254", "iso-8859-11": "cp874", "tis-620": "cp874",
    "gb2312": "gb18030", "gbk": "gb18030", "shift_jis": "cp932", "sjis": "cp932",
    "euc-kr": "cp949", "big5": "big5hkscs", "x-sjis": "cp932", "utf8": "utf-8",
}
META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE
)
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class DecodedDocument:
    source_path: str
    text: str
    media_type: str
    url: str | None
    canonical_url: str | None
    fetched_at: datetime | None
    content_sha256: str  # of the decoded text as UTF-8: same text, same hash, whatever the encoding
    n_bytes: int  # size of the raw content
    encoding: str  # Python codec name actually used
    ingest_warnings: tuple[str, ...] = ()  # carried from RawDocument
    raw_sha256: str | None = None  # of the bytes as they arrived, decompressed (RawDocument.content)


def normalise_charset(label: str | None) -> str | None:
    """Python codec name for a declared charset label, or None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = WHATWG_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _bom_encoding(content: bytes) -> tuple[str, int] | None:
    for bom, encoding in BOMS:
        if content.startswith(bom):
            return encoding, len(bom)
    return None


def _try_decode(content: bytes, encoding: str | None) -> str | None:
    if encoding is None:
        return None
    try:
        return content.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_NON_ASCII = re.compile(rb"[\x80-\xff]")


def _repair_as_cp1252(error: UnicodeDecodeError) -> tuple[str, int]:
    stray = error.object[error.start:error.end]
    return stray.decode("cp1252", errors="replace"), error.end


codecs.register_error("news_pipeline_cp1252", _repair_as_cp1252)


def utf8_evidence(content: bytes) -> tuple[int, int]:
    """(well-formed multi-byte UTF-8 sequences, non-ASCII bytes outside them)."""
    valid = _UTF8_SEQUENCE.findall(content)
    return len(valid), len(_NON_ASCII.findall(content)) - sum(len(sequence) for sequence in valid)


def repaired_utf8(content: bytes) -> str:
    """UTF-8 with each stray byte read as windows-1252 (U+FFFD where that code page has no character).

    A page that is UTF-8 but for some bytes (a pasted cp1252 quote or
    paragraph, a truncated character) must not be re-decoded whole in a
    single-byte code page: that turns every other non-ASCII character into
    mojibake. Legacy-encoded text almost never forms well-formed multi-byte
    sequences by chance, so those sequences are the evidence for UTF-8.
    """
    return content.decode("utf-8", errors="news_pipeline_cp1252")


# Evidence for choosing between readings: the words holding non-ASCII bytes
# (split at ASCII space and markup, so no multi-byte character is cut).
_NON_ASCII_WORD = re.compile(rb"[^\s<>\"'=]*[\x80-\xff][^\s<>\"'=]*")
EVIDENCE_WORDS = 20_000
MIN_UTF8_SEQUENCES = 2  # fewer could be chance in a legacy page
MAX_CP1252_ACCENTED_SHARE = 0.4  # of the letters in words holding non-ASCII letters
# windows-1252 symbols that never stand between two letters of a word in a
# Western language (the apostrophes do): between letters they mean the page is
# another code page (Polish "ł" is "³" in windows-1252, Czech "š" is "¹").
_CP1252_SYMBOLS = "".join(
    ch for ch in bytes(range(0x80, 0x100)).decode("cp1252", errors="ignore") if not ch.isalpha() and ch not in "’‘"
)
_SYMBOL_IN_WORD = re.compile(rf"(?<=[^\W\d_])[{re.escape(_CP1252_SYMBOLS)}](?=[^\W\d_])")


def _evidence(content: bytes) -> bytes:
    words = []
    for number, match in enumerate(_NON_ASCII_WORD.finditer(content)):
        if number == EVIDENCE_WORDS:
            break
        words.append(match.group())
    return b" ".join(words)


def _mess(text: str) -> float:
    return mess_ratio(text, maximum_threshold=1.0)


def _plausible_cp1252(content: bytes, evidence: bytes) -> bool:
    """Whether the page reads as windows-1252, the commonest mislabelled code page.

    Every byte must be defined there; no symbol may stand between two letters
    (Polish "ł" read in windows-1252 is "³"); and the words holding non-ASCII
    letters must be mostly ASCII letters, as in Western languages (Russian in
    windows-1251 read as 1252 is all accented letters: "Ìîñêâà").
    """
    try:
        content.decode("cp1252")
    except UnicodeDecodeError:
        return False
    text = evidence.decode("cp1252")
    if _SYMBOL_IN_WORD.search(text):
        return False
    letters = [ch for ch in text if ch.isalpha()]
    accented = sum(1 for ch in letters if ord(ch) > 0x7F)
    return accented <= MAX_CP1252_ACCENTED_SHARE * len(letters)


def _single_byte(content: bytes, declared: str | None, is_html: bool) -> tuple[str, str]:
    """The best reading of a page that is not UTF-8: its labels, then windows-1252, then detection."""
    candidates = [declared]
    if is_html:
        match = META_CHARSET.search(content[:META_SCAN_BYTES])
        candidates.append(normalise_charset(match.group(1).decode("ascii")) if match else None)
    for encoding in candidates:
        text = _try_decode(content, encoding)
        if text is not None:
            return text, encoding
    # No label that fits (none, or a UTF-8 label on legacy bytes): the commonest mislabel first.
    if _plausible_cp1252(content, _evidence(content)):
        return content.decode("cp1252"), "cp1252"
    detected = _detect(content)
    if detected is not None:
        return detected
    fallback = next((e for e in candidates if e), "cp1252")
    return content.decode(fallback, errors="replace"), fallback


def _detect(content: bytes) -> tuple[str, str] | None:
    best = from_bytes(content[:DETECTION_SAMPLE_BYTES]).best()
    if best is None:
        return None
    encoding = normalise_charset(best.encoding)
    if encoding is None:
        return None
    # The sample may end inside a multi-byte character: decode the whole leniently.
    return content.decode(encoding, errors="replace"), encoding


def decode_bytes(content: bytes, declared_charset: str | None, is_html: bool) -> tuple[str, str, tuple[str, ...]]:
    """(text, encoding, warnings) for content; raises Unusable('binary_content') when it is not text.

    ``mixed_encoding`` is warned when the page is UTF-8 but for some bytes,
    which were read as windows-1252 (or replaced).
    """
    bom = _bom_encoding(content)
    if bom:
        encoding, skip = bom
        return content[skip:].decode(encoding, errors="replace"), encoding, ()
    declared = normalise_charset(declared_charset)
    if declared and declared.startswith(("utf-16", "utf-32")):
        text = _try_decode(content, declared)
        if text is not None:
            return text, declared, ()
    if b"\x00" in content:
        raise Unusable("binary_content", "NUL bytes in a document without a UTF-16/32 byte-order mark")
    text = _try_decode(content, "utf-8")
    if text is not None:
        return text, "utf-8", ()
    valid, stray = utf8_evidence(content)
    if valid and stray < valid:  # UTF-8 is the majority encoding: repair the minority bytes
        return repaired_utf8(content), "utf-8", ("mixed_encoding",)
    text, encoding = _single_byte(content, declared, is_html)
    if valid >= MIN_UTF8_SEQUENCES:
        # Fewer UTF-8 characters than stray bytes (a pasted paragraph in another code page):
        # UTF-8 still wins if its reading of the non-ASCII words is cleaner.
        evidence = _evidence(content)
        if _mess(repaired_utf8(evidence)) < _mess(evidence.decode(encoding, errors="replace")):
            return repaired_utf8(content), "utf-8", ("mixed_encoding",)
    return text, encoding, ()


# Elements that never have content, and ones whose end tag HTML lets authors omit
# (a new <p> closes the open one): neither may count as nesting.
VOID_ELEMENTS = frozenset(
    "area base br col embed hr img input keygen link meta param source track wbr".split()
)
SELF_CLOSING_SIBLINGS = frozenset("p li dt dd tr td th option optgroup".split())
TAG = re.compile(
    r"<!--.*?(?:-->|\Z)"  # comment
    r"|<(script|style|textarea|title)\b[^>]*>.*?(?:</\1\s*>|\Z)"  # raw-text element
    r"|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*?(/?)>",
    re.DOTALL | re.IGNORECASE,
)


def html_depth_exceeds(text: str, max_depth: int) -> bool:
    """Whether element nesting goes deeper than max_depth, by a flat scan of tags.

    A list is the stack and the scan stops as soon as the limit is passed, so
    hostile nesting costs neither recursion nor memory beyond max_depth.
    """
    stack: list[str] = []
    open_counts: dict[str, int] = {}
    for match in TAG.finditer(text):
        name = match.group(3)
        if name is None:  # comment or raw-text element: depth +1 at most, never counts
            continue
        name = name.lower()
        if name in VOID_ELEMENTS:
            continue
        if match.group(2):  # end tag: pop up to the matching open element, if any
            if open_counts.get(name):
                while True:
                    popped = stack.pop()
                    open_counts[popped] -= 1
                    if popped == name:
                        break
            continue
        if match.group(4):  # <x/>
            continue
        if name in SELF_CLOSING_SIBLINGS and stack and stack[-1] == name:
            continue  # implied end of the previous sibling, then the same depth again
        stack.append(name)
        open_counts[name] = open_counts.get(name, 0) + 1
        if len(stack) > max_depth:
            return True
    return False


def decode_document(raw: RawDocument, settings: Settings) -> DecodedDocument:
    """Decode one raw document; raise Unusable for what cannot be used as text."""
    n_bytes = len(raw.content)
    if n_bytes > settings.max_document_bytes:
        raise Unusable("too_large", f"{n_bytes} bytes > max_document_bytes {settings.max_document_bytes}")
    if not raw.content.strip():
        raise Unusable("empty_document", "no content, or only whitespace")
    is_html = raw.media_type == "html"
    text, encoding, decode_warnings = decode_bytes(raw.content, raw.declared_charset, is_html)
    if not text.strip():
        raise Unusable("empty_document", "only whitespace after decoding")
    if len(CONTROL_CHARS.findall(text[:65536])) > MAX_CONTROL_CHAR_SHARE * min(len(text), 65536):
        raise Unusable("binary_content", f"too many control characters after decoding as {encoding}")
    if is_html:
        depth_limit = min(settings.max_html_depth, PARSER_MAX_DEPTH)  # deeper than the parser's limit means nothing
        too_deep = html_depth_exceeds(text, depth_limit)
        if too_deep and depth_limit < PARSER_MAX_DEPTH:
            raise Unusable("too_deeply_nested", f"HTML nesting deeper than max_html_depth {depth_limit}")
        cut = parser_truncation(text, too_deep)
        if cut is not None:
            raise Unusable(*cut)
    return DecodedDocument(
        source_path=raw.source_path,
        text=text,
        media_type=raw.media_type,
        url=raw.url,
        canonical_url=canonical_url(raw.url),
        fetched_at=raw.fetched_at,
        content_sha256=hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest(),
        n_bytes=n_bytes,
        encoding=encoding,
        ingest_warnings=tuple(raw.ingest_warnings) + decode_warnings,
        raw_sha256=hashlib.sha256(raw.content).hexdigest(),
    )
