import codecs
import re
import hashlib
from datetime import datetime, timezone

import pytest

from pipeline.core.decode import decode_document, html_depth_exceeds, normalise_charset
from pipeline.core.models import RawDocument, Unusable
from pipeline.settings import Settings
from pipeline_tests.hostile_corpus import JAPANESE, RUSSIAN, SMART

SETTINGS = Settings()


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body><p>{body}</p></body></html>"


def decode(content: bytes, declared: str | None = None, media_type: str = "html", settings=SETTINGS, **fields):
    raw = RawDocument(source_path="x.html", content=content, media_type=media_type, declared_charset=declared, **fields)
    return decode_document(raw, settings)


def test_utf8_without_declaration():
    doc = decode(page(SMART + RUSSIAN).encode())
    assert SMART in doc.text and RUSSIAN in doc.text
    assert doc.encoding == "utf-8"


def test_http_charset_is_used_when_bytes_are_not_utf8():
    doc = decode(page(RUSSIAN).encode("cp1251"), declared="windows-1251")
    assert RUSSIAN in doc.text
    assert doc.encoding == "cp1251"


def test_meta_charset_and_http_equiv():
    assert SMART in decode(page(SMART, '<meta charset="windows-1252">').encode("cp1252")).text
    http_equiv = '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
    assert RUSSIAN in decode(page(RUSSIAN, http_equiv).encode("koi8-r")).text


def test_iso_8859_1_label_reads_windows_1252_quotes():
    doc = decode(page(SMART).encode("cp1252"), declared="ISO-8859-1")
    assert SMART in doc.text
    assert "\x93" not in doc.text


def test_valid_utf8_beats_a_wrong_latin1_label():
    doc = decode(page(SMART).encode("utf-8"), declared="iso-8859-1")
    assert SMART in doc.text
    assert "â€œ" not in doc.text  # the classic mojibake


def test_wrong_label_that_does_not_decode_falls_through():
    # Declared UTF-8, actually windows-1251: the declaration is ignored.
    doc = decode(page(RUSSIAN * 3, '<meta charset="windows-1251">').encode("cp1251"), declared="utf-8")
    assert RUSSIAN in doc.text


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_bom_wins_and_is_stripped(bom, encoding):
    doc = decode(bom + page(SMART + RUSSIAN).encode(encoding), declared="iso-8859-1")
    assert doc.text.startswith("<html>")
    assert SMART in doc.text and RUSSIAN in doc.text


def test_declared_utf16_without_bom():
    assert RUSSIAN in decode(page(RUSSIAN).encode("utf-16-le"), declared="utf-16le").text


@pytest.mark.parametrize(("text", "codec"), [(RUSSIAN, "koi8-r"), (RUSSIAN, "cp1251"), (JAPANESE, "shift_jis"), (JAPANESE, "euc-jp")])
def test_undeclared_legacy_encodings_are_detected(text, codec):
    doc = decode(page(f"{text} {text}").encode(codec))
    assert text in doc.text


def test_plain_text_document():
    doc = decode(f"{RUSSIAN}\n".encode("cp1251"), media_type="text")
    assert doc.text.strip() == RUSSIAN
    assert doc.media_type == "text"


def test_fields_are_carried_and_hash_depends_on_text_not_encoding():
    when = datetime(2024, 4, 25, 16, 24, 47, tzinfo=timezone.utc)
    html = page(SMART)
    a = decode(html.encode("utf-8"), url="https://www.example.com/a/?utm_source=x", fetched_at=when)
    b = decode(html.encode("cp1252"), declared="windows-1252")
    assert a.url == "https://www.example.com/a/?utm_source=x"
    assert a.canonical_url == "https://example.com/a"
    assert a.fetched_at == when
    assert a.n_bytes == len(html.encode("utf-8"))
    assert a.content_sha256 == b.content_sha256 == hashlib.sha256(html.encode()).hexdigest()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty_document"),
        (b"  \n\t\r\n ", "empty_document"),
        (b"<html>\x00\x01\x02\x00binary</html>", "binary_content"),
        (bytes(range(1, 32)) * 100, "binary_content"),
    ],
)
def test_unusable_content(content, reason):
    with pytest.raises(Unusable) as caught:
        decode(content)
    assert caught.value.reason == reason


def test_too_large():
    with pytest.raises(Unusable) as caught:
        decode(page("x" * 2000).encode(), settings=Settings(max_document_bytes=1000))
    assert caught.value.reason == "too_large"


def test_deep_nesting_is_rejected_without_recursion():
    deep = "<div>" * 50_000 + "x" + "</div>" * 50_000
    with pytest.raises(Unusable) as caught:
        decode(deep.encode())
    assert caught.value.reason == "too_deeply_nested"


def test_depth_limit_is_exact():
    nested = lambda n: "<html>" + "<div>" * n + "x" + "</div>" * n + "</html>"  # noqa: E731
    assert not html_depth_exceeds(nested(99), 100)  # html + 99 divs = 100
    assert html_depth_exceeds(nested(100), 100)


@pytest.mark.parametrize(
    "fragment",
    [
        "<p>para" * 5000,  # unclosed paragraphs close each other
        "<li>item" * 5000,
        "<br><img src=x><hr><input>" * 5000,  # void elements
        "<div/>" * 5000,
        "<div>a</div>" * 5000,
        "<!-- <div> -->" * 5000,
        "<script>" + "<div>" * 5000 + "</script>",
        "</div></span>" * 5000,  # stray end tags
    ],
)
def test_wide_or_sloppy_html_is_not_deep(fragment):
    assert not html_depth_exceeds(f"<html><body>{fragment}</body></html>", 100)


def test_misnested_end_tag_closes_what_it_matches():
    # </b> closes the <i> opened inside it, as browsers do.
    text = "<html>" + "<b><i>x</b>" * 500 + "</html>"
    assert not html_depth_exceeds(text, 10)


def test_normalise_charset():
    assert normalise_charset("ISO-8859-1") == "cp1252"
    assert normalise_charset('"UTF-8"') == "utf-8"
    assert normalise_charset("gb2312") == "gb18030"
    assert normalise_charset("x-no-such-charset") is None
    assert normalise_charset(None) is None


def test_utf8_page_with_a_few_stray_bytes_stays_utf8():
    # Valid UTF-8 but for a pasted windows-1252 dash and quotes: the page must
    # not be re-decoded whole in a single-byte code page (mojibake everywhere).
    content = page(SMART + RUSSIAN).encode() + b"<p>A \x96 dash and \x93smart\x94 quotes</p>"
    doc = decode(content, declared="utf-8")
    assert doc.encoding == "utf-8"
    assert SMART in doc.text and RUSSIAN in doc.text
    assert "A \u2013 dash and \u201csmart\u201d quotes" in doc.text


def test_stray_bytes_without_a_declaration_stay_utf8_too():
    doc = decode(page(JAPANESE * 3).encode() + b"<p>broken \xff byte</p>")
    assert doc.encoding == "utf-8"
    assert JAPANESE in doc.text


def test_legacy_page_is_not_taken_for_mostly_utf8():
    # No well-formed UTF-8 sequence at all: the single-byte decoding stands.
    doc = decode(page(RUSSIAN * 3).encode("cp1251"), declared="windows-1251")
    assert doc.encoding == "cp1251"
    assert RUSSIAN in doc.text


# Double-encoded UTF-8 read as windows-1252 ("Ã©", "â€™") and a no-break space gone wrong.
MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|â€|Â\u00a0")


def test_no_harness_page_decodes_to_mojibake():
    import gzip

    from pipeline_tests.conftest import require_shared

    corpora = require_shared("corpora")
    files = [
        *(corpora / "trafilatura-eval-dev" / "pages").glob("*.gz"),
        *(corpora / "article-extraction-benchmark-dev" / "html").glob("*.gz"),
        *(corpora / "fundus-dev").rglob("*.html.gz"),
    ]
    assert len(files) > 300
    suspicious = []
    for path in files:
        text = decode(gzip.decompress(path.read_bytes())).text
        if len(MOJIBAKE.findall(text)) > 3 or text.count("\ufffd") > 0.001 * len(text):
            suspicious.append(path.name)
    assert suspicious == []


# ------------------------------------------------------------------ mislabelled charsets, decided by evidence

FRENCH = "La Crème brûlée du café: déjà vu à Noël, très élégant et naïf. Où est le garçon?"
POLISH = "Zażółć gęślą jaźń. Łódź, Kraków, Wrocław i Gdańsk to piękne miasta, a książka się świetnie sprzedała."
CZECH = "Česká republika: Brno, Ostrava a Plzeň. Příliš žluťoučký kůň úpěl ďábelské ódy, řeka teče."
ENGLISH = "The minister said on Tuesday that the budget would be published next week. " * 3


@pytest.mark.parametrize("declared", ["utf-8", None])
def test_cp1252_page_labelled_utf8_is_read_as_cp1252(declared):
    doc = decode(page(ENGLISH + FRENCH, '<meta charset="utf-8">').encode("cp1252"), declared=declared)
    assert doc.encoding == "cp1252"
    assert FRENCH in doc.text and "Crčme" not in doc.text
    assert doc.ingest_warnings == ()


def test_utf8_page_with_one_cp1252_paragraph_stays_utf8_and_is_repaired():
    content = page(ENGLISH + "“Quoted” — said.", '<meta charset="utf-8">').encode() + f"<p>{FRENCH}</p>".encode("cp1252")
    doc = decode(content, declared="utf-8")
    assert doc.encoding == "utf-8" and doc.ingest_warnings == ("mixed_encoding",)
    assert "“Quoted” — said." in doc.text and FRENCH in doc.text


def test_a_few_stray_bytes_are_warned_as_mixed():
    doc = decode(page(SMART + RUSSIAN).encode() + b"<p>A \x96 dash</p>", declared="utf-8")
    assert doc.encoding == "utf-8" and doc.ingest_warnings == ("mixed_encoding",)
    assert decode(page(SMART).encode()).ingest_warnings == ()


@pytest.mark.parametrize("text, codec, expected", [
    (POLISH, "cp1250", {"cp1250"}),
    (CZECH, "cp1250", {"cp1250"}),
    (RUSSIAN, "cp1251", {"cp1251"}),
    (RUSSIAN, "koi8-r", {"koi8-r"}),
])
def test_other_code_pages_labelled_utf8_are_not_taken_for_cp1252(text, codec, expected):
    doc = decode(page(ENGLISH + text + " " + text, '<meta charset="utf-8">').encode(codec), declared="utf-8")
    assert doc.encoding in expected
    assert text in doc.text


def test_iso_8859_2_labelled_utf8_is_not_read_as_cp1252():
    # Which Central European code page it is, is left to detection (it may pick a neighbour).
    doc = decode(page(ENGLISH + CZECH + " " + CZECH, '<meta charset="utf-8">').encode("iso-8859-2"), declared="utf-8")
    assert doc.encoding != "cp1252"


# ------------------------------------------------------------------ what the HTML parser would cut

def nested(levels: int, tag: str = "div") -> str:
    return (f"<html><head><title>t</title></head><body><p>Intro text before the nesting.</p>"
            + f"<{tag}>" * levels + "DEEP" + f"</{tag}>" * levels + "<p>after</p></body></html>")


def test_parser_depth_limit_is_what_libxml2_does():
    from trafilatura.utils import load_html

    from pipeline.core.parser_limits import PARSER_MAX_DEPTH

    assert "after" in "".join(load_html(nested(PARSER_MAX_DEPTH - 2)).itertext())  # html + body + 254
    assert "after" not in "".join(load_html(nested(PARSER_MAX_DEPTH - 1)).itertext())  # the rest is dropped


def test_nesting_the_parser_would_cut_is_rejected():
    assert decode(nested(254).encode()).text  # html + body + 254 levels: the parser keeps all
    with pytest.raises(Unusable) as info:
        decode(nested(255).encode())
    assert info.value.reason == "too_deeply_nested" and "256" in info.value.detail
    with pytest.raises(Unusable):
        decode(nested(1_500, "span").encode())


def test_scan_overcount_does_not_reject_what_the_parser_keeps():
    # 130 <div><p> pairs: the flat scan stacks them (262 levels), the parser closes each <p> at the next <div>.
    text = "<html><body>" + "<div><p>x" * 130 + "</div>" * 130 + "<p>after</p></body></html>"
    assert "after" in decode(text.encode()).text


def test_lower_depth_setting_rejects_by_the_scan():
    with pytest.raises(Unusable) as info:
        decode(nested(100).encode(), settings=Settings(max_html_depth=50))
    assert info.value.reason == "too_deeply_nested"


def test_text_node_the_parser_would_drop_is_rejected():
    from pipeline.core.parser_limits import PARSER_MAX_TEXT

    big = "<html><body><p>start</p><p>" + "a" * (PARSER_MAX_TEXT + 10) + "</p><p>end</p></body></html>"
    with pytest.raises(Unusable) as info:
        decode(big.encode(), settings=Settings(max_document_bytes=11_000_000))
    assert info.value.reason == "text_node_too_long"
    # the same length in entities decodes to far less: the parser keeps it
    entities = "<html><body><p>start</p><p>" + "a&amp;" * 1_700_000 + "</p><p>end</p></body></html>"
    assert "end" in decode(entities.encode(), settings=Settings(max_document_bytes=11_000_000)).text
