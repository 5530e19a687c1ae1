import pytest

from pipeline.core.urls import canonical_url, domain_of


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://WWW.Example.COM/News/Story", "https://example.com/News/Story"),
        ("https://example.com/a/b/", "https://example.com/a/b"),
        ("https://example.com/", "https://example.com"),
        ("https://example.com", "https://example.com"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        (
            "https://example.com/a?utm_source=tw&utm_medium=social&id=7&fbclid=XyZ&gclid=1&mc_cid=2&mc_eid=3",
            "https://example.com/a?id=7",
        ),
        ("https://example.com/a?b=2&a=1&UTM_Campaign=x", "https://example.com/a?a=1&b=2"),
        ("https://example.com/?utm_source=x", "https://example.com"),
        ("https://example.com/search?q=caf%C3%A9+news&page=2", "https://example.com/search?page=2&q=caf%C3%A9+news"),
        ("https://user:secret@example.com/a", "https://example.com/a"),
        ("https://www.example.com./a", "https://example.com/a"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_same_story_through_tracking_links_is_one_url():
    variants = [
        "https://www.example.org/politics/2024/budget-vote/",
        "http://example.org/politics/2024/budget-vote?utm_source=newsletter#top",
        "HTTP://EXAMPLE.ORG:80/politics/2024/budget-vote?fbclid=abc",
    ]
    # scheme differs in the first one: only the last two collapse
    assert canonical_url(variants[1]) == canonical_url(variants[2])
    assert canonical_url(variants[0]) == "https://example.org/politics/2024/budget-vote"


def test_path_case_and_meaningful_params_are_kept():
    assert canonical_url("https://example.com/Story?ID=5") != canonical_url("https://example.com/story?id=5")
    assert canonical_url("https://example.com/story?id=5") != canonical_url("https://example.com/story?id=6")


@pytest.mark.parametrize("url", [None, "", "   ", "not a url", "mailto:a@b.c", "ftp://example.com/x", "https://", "http://example.com:99999/"])
def test_canonical_url_of_non_web_urls_is_none(url):
    assert canonical_url(url) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.example.com/a", "example.com"),
        ("https://news.bbc.co.uk/story", "bbc.co.uk"),
        ("https://WWW.LeMonde.FR/", "lemonde.fr"),
        ("http://192.168.1.10/page", "192.168.1.10"),
        ("http://localhost:8000/x", "localhost"),
        (None, None),
        ("garbage", None),
    ],
)
def test_domain_of(url, expected):
    assert domain_of(url) == expected
