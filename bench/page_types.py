"""Page classifier (pipeline/core/page_type.py): precision and recall on pages of both kinds, several sources.

    python bench/page_types.py            # per source and page type: pages, rejected, as what
    python bench/page_types.py --signals  # also every page's signals and verdict

Sources:
- the three dev sets in ../shared/corpora (all articles);
- the generator (pipeline/sample/generator.py): articles, section fronts, log-in walls, in memory;
- feeds and redirect stubs built here from the generator's own article stubs;
- the real WARC files in ../shared/corpora/warc/, labelled by inspection below (URL -> type). "other" is a
  page that is neither a news article nor an index (a profile, an about page, a product or spam page):
  reported, counted in neither target.

Thresholds: fitted leave-one-source-out (grid below) -- for each source, the grid point that rejects the most
non-articles of the other sources with at most ``MAX_ARTICLE_LOSS`` of their articles, scored on the held-out
source; the worst held-out source is printed beside the mean.
"""
from __future__ import annotations

import argparse
import glob
import gzip
import itertools
import logging
import sys
from dataclasses import replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

import quality  # noqa: E402

NON_ARTICLES = {"listing", "homepage", "feed", "redirect", "login", "error"}
TARGET_TYPES = {"listing", "homepage", "feed"}  # issue target: >= 95% of these rejected
MAX_ARTICLE_LOSS = 0.01

# Labelled by reading each page (its visible text and links), not by the classifier's verdict.
WARC_LABELS = {
    "https://www.semanticscholar.org/research/research-team": "listing",
    "https://www.cs.washington.edu/people/faculty/weld": "other",
    "https://soldaini.net/": "homepage",
    "https://soldaini.net/facts/": "other",
    "https://soldaini.net/lineage/": "other",
    "https://kyleclo.com/": "homepage",
    "https://kyleclo.com/research/": "other",
    "https://joe.cat/": "homepage",
    "https://maria-antoniak.github.io/": "homepage",
    "https://maria-antoniak.github.io/2023/07/04/notes-on-mastodon.html": "article",
    "https://maria-antoniak.github.io/2023/04/11/paperpile-to-zotero.html": "article",
    "https://maria-antoniak.github.io/2022/07/27/topic-modeling-for-the-people.html": "article",
    "https://maria-antoniak.github.io/2020/03/25/pip.html": "article",
    "https://maria-antoniak.github.io/2018/11/19/data-science-crash-course.html": "article",
    "https://talaugust.github.io/": "homepage",
    "https://www.jonathanbragg.com/": "homepage",
    "https://tomhoper.github.io/": "homepage",
    "https://tomhoper.github.io/research/": "other",
    "https://www.cs.cmu.edu/~anaik/": "homepage",
    "https://dwadden.github.io/": "homepage",
    "https://homes.cs.washington.edu/~axz/": "homepage",
    "https://amyxzhang.wordpress.com/": "homepage",
    "https://creativecommons.org/": "homepage",
    "https://creativecommons.org/mission/": "other",
    "https://creativecommons.org/2024/03/28/cc-joins-civil-society-letter-urging-u-s-to-support-openness-and-"
    "transparency-in-ai/": "article",
    "https://creativecommons.org/2024/04/23/cc-at-wipo-slow-progress-on-copyright-exceptions-for-cultural-"
    "heritage-institutions/": "article",
    "https://allenai.org/": "homepage",
    "https://prior.allenai.org/": "homepage",
    "https://www.semanticscholar.org/about": "other",
    "https://allenai.org/reviz": "other",
    "https://commoncrawl.org/": "homepage",
    "https://commoncrawl.org/ccbot": "other",
    "https://commoncrawl.org/blog/march-april-2024-newsletter": "article",
    "https://commoncrawl.org/blog/host-and-domain-level-web-graphs-september-october-november-december-2023-and-"
    "february-march-2024": "article",
    "https://commoncrawl.org/faq": "other",
    "http://003338.cn/l41/481397.html": "other",
    "http://01spb.ru/company/": "other",
    "http://035.psb556.com/24/i/u_1090813/article.html": "other",
    "http://037426.cn/": "homepage",
    "http://041696.com/15477/list_6_4.html": "listing",
    "http://044545.com/topic/20200207/015849.html": "other",
    "http://0513mt.com/index.php/art/detail/id/8884.html": "other",
    "http://05925.net/index.php/vod/type/id/53.html": "listing",
    "http://06.live-radsport.ch/fahrerstatistik_801/Anthony_Ravard.html": "error",
    "http://06.live-radsport.ch/tippspiel/stats_140_petzi.html": "other",
    "http://0615235.com/02mjqjo%7Bibotij2.btq?odmbtt=106&tdmbtt=121": "other",
    "http://0755krk.com/76104/list_4_1.html": "listing",
    "http://0760.jxtdw.com/area/sanxiang/": "listing",
    "http://077678u.info/erxiaoshujinguang/list_6_2.html": "listing",
    "http://0900-hovenier.nl/gelderland/oosterbeek/": "other",
    "http://096355.com/video/11073.html?11073-0-2": "other",
}

GRID = {
    "article_min_long_paragraphs": (1, 2, 3),
    "listing_link_share": (0.3, 0.4, 0.5, 0.6),
    "listing_min_teasers": (6, 10, 15, 10_000),
    "listing_teaser_link_share": (0.0, 0.1, 0.2, 0.3),
}


def dev_pages():
    for name in ("aeb", "trafilatura", "fundus"):
        for page in quality.load_pages(name):
            yield name, page.url, quality.decode_html(gzip.open(page.path).read()), "article"


def generated_pages(n_articles: int = 90, n_index: int = 20, n_login: int = 10):
    from pipeline.sample import generator as sc

    kinds = {"article": "article", "index": "listing", "login": "login"}
    builders = [("article", i) for i in range(n_articles)] + [("index", i) for i in range(n_index)] \
        + [("login", i) for i in range(n_login)]
    for kind, number in builders:
        rendered = sc.PAGE_BUILDERS[kind](7, 6, n_articles, number)
        yield "generator", rendered.gold["url"], rendered.html, kinds[kind]


def built_pages(n: int = 10):
    """Feeds and redirect stubs made here from the generator's own article pages (titles and URLs)."""
    from xml.sax.saxutils import escape

    from pipeline.sample import generator as sc

    golds = [sc.PAGE_BUILDERS["article"](11, 6, 5 * n, i).gold for i in range(5 * n)]
    for i in range(n):
        chunk = golds[5 * i:5 * i + 5]
        items = "".join(f"<item><title>{escape(g['title'])}</title><link>{escape(g['url'])}</link>"
                        f"<description>{escape(' '.join(g['body_paragraphs'][:1]))}</description></item>"
                        for g in chunk)
        feed = f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>News</title>{items}</channel></rss>'
        yield "built", f"https://{chunk[0]['domain']}/feed.xml", feed, "feed"
        target = escape(chunk[0]["url"])
        stub = (f'<html><head><meta http-equiv="refresh" content="0; url={target}"><title>Redirecting</title></head>'
                f'<body><p>This page has moved to <a href="{target}">{target}</a>.</p></body></html>')
        yield "built", f"https://{chunk[0]['domain']}/r/{i}", stub, "redirect"


def warc_pages():
    from warcio.archiveiterator import ArchiveIterator

    for path in sorted(glob.glob(str(quality.CORPORA / "warc" / "*.warc.gz"))):
        source = "warc-" + Path(path).name.split("_")[0]
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                url = record.rec_headers.get_header("WARC-Target-URI")
                if record.rec_type == "response" and url in WARC_LABELS:
                    yield source, url, quality.decode_html(record.content_stream().read()), WARC_LABELS[url]


def page_signals(url, html):
    """The page's signals as the pipeline computes them; None when extraction rejects it whatever the classifier
    says (no main text, or too few words once boilerplate is flagged); "feed" for a feed."""
    from pipeline.core.extract import DEFAULT_CHOICES, article_from_draft, draft_article, draft_signals
    from pipeline.core.models import Unusable
    from pipeline.core.page_type import is_feed
    from pipeline.settings import Settings

    if is_feed(html):
        return "feed"
    try:
        draft = draft_article(html, url, Settings())
    except Unusable:
        return None
    try:  # the rest of extraction (boilerplate flags, the word floor) may reject it anyway
        article_from_draft(draft, Settings(), replace(DEFAULT_CHOICES, classify_pages=False))
    except Unusable:
        return None
    return draft_signals(draft)


def verdict(signals, thresholds) -> str:
    from pipeline.core.page_type import classify_page

    if signals is None:
        return "no_text"  # rejected as no_article by the rest of extraction
    if signals == "feed":
        return "feed"  # recognised before extraction
    return classify_page(signals, thresholds)[0]


def _rejected(kind: str) -> bool:
    return kind != "article"


def tally(rows, thresholds) -> dict:
    """rows: (source, url, label, signals). Counts of target non-articles rejected and articles rejected."""
    out = {"targets": 0, "targets_rejected": 0, "articles": 0, "articles_rejected": 0,
           "non_articles": 0, "non_articles_rejected": 0}
    for _, _, label, signals in rows:
        rejected = _rejected(verdict(signals, thresholds))
        if label == "article":
            out["articles"] += 1
            out["articles_rejected"] += rejected
        elif label in NON_ARTICLES:
            out["non_articles"] += 1
            out["non_articles_rejected"] += rejected
            if label in TARGET_TYPES:
                out["targets"] += 1
                out["targets_rejected"] += rejected
    return out


def grid():
    from pipeline.core.page_type import Thresholds

    names = list(GRID)
    for values in itertools.product(*(GRID[n] for n in names)):
        yield Thresholds(**dict(zip(names, values)))


def fit(rows):
    """The grid point rejecting the most non-articles with at most MAX_ARTICLE_LOSS of the articles (ties: fewer
    articles rejected, then the default's closeness)."""
    from pipeline.core.page_type import DEFAULT_THRESHOLDS

    def key(t):
        c = tally(rows, t)
        loss = c["articles_rejected"] / c["articles"] if c["articles"] else 0.0
        ok = loss <= MAX_ARTICLE_LOSS
        return (ok, c["non_articles_rejected"] if ok else -loss, -c["articles_rejected"], t == DEFAULT_THRESHOLDS)
    return max(grid(), key=key)


def _share(a: int, b: int) -> str:
    return f"{a}/{b} = {a / b:.1%}" if b else "-"


def main(argv=None) -> int:
    from pipeline.core.page_type import DEFAULT_THRESHOLDS

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--signals", action="store_true")
    parser.add_argument("--no-fit", action="store_true", help="skip leave-one-source-out fitting")
    args = parser.parse_args(argv)
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    if not quality.CORPORA.exists():
        print(f"{quality.CORPORA} is absent", file=sys.stderr)
        return 1
    rows = [(source, url, label, page_signals(url, html))
            for source, url, html, label in itertools.chain(dev_pages(), generated_pages(), built_pages(), warc_pages())]
    sources = sorted({r[0] for r in rows})
    print(f"{'source':<18} {'label':<9} {'pages':>5} {'rejected':>9}  verdicts (defaults)")
    for source in sources:
        for label in sorted({r[2] for r in rows if r[0] == source}):
            got = [verdict(r[3], DEFAULT_THRESHOLDS) for r in rows if r[0] == source and r[2] == label]
            counts = {v: got.count(v) for v in sorted(set(got))}
            print(f"{source:<18} {label:<9} {len(got):>5} {sum(map(_rejected, got)):>9}  {counts}")
            if args.signals:
                for r in rows:
                    if r[0] == source and r[2] == label:
                        s = r[3]
                        desc = "no text" if s is None else s if isinstance(s, str) else (
                            f"long={s.long_paragraphs}/{s.page_long_paragraphs} words={s.main_words} "
                            f"links={s.link_share:.2f}/{s.page_link_share:.2f} "
                            f"teasers={s.teaser_blocks} og={s.og_type} types={sorted(s.declared_types)[:3]}")
                        print(f"    {verdict(s, DEFAULT_THRESHOLDS):<9} {desc}  {r[1]}")
    c = tally(rows, DEFAULT_THRESHOLDS)
    print(f"\ndefaults: index/section/homepage/feed rejected {_share(c['targets_rejected'], c['targets'])}; "
          f"all non-articles rejected {_share(c['non_articles_rejected'], c['non_articles'])}; "
          f"articles rejected {_share(c['articles_rejected'], c['articles'])}")
    if args.no_fit:
        return 0
    print("\nleave one source out (thresholds fitted on the other sources, scored on this one):")
    held = []
    for source in sources:
        fitted = fit([r for r in rows if r[0] != source])
        c = tally([r for r in rows if r[0] == source], fitted)
        held.append(c)
        print(f"  {source:<18} targets rejected {_share(c['targets_rejected'], c['targets']):<18} "
              f"articles rejected {_share(c['articles_rejected'], c['articles']):<18} {fitted}")
    rates = [c["targets_rejected"] / c["targets"] for c in held if c["targets"]]
    losses = [c["articles_rejected"] / c["articles"] for c in held if c["articles"]]
    print(f"  held-out targets rejected: mean {sum(rates) / len(rates):.1%}, worst {min(rates):.1%}; "
          f"articles rejected: mean {sum(losses) / len(losses):.2%}, worst {max(losses):.2%}")
    total = {k: sum(c[k] for c in held) for k in held[0]}
    print(f"  pooled held-out: targets {_share(total['targets_rejected'], total['targets'])}, "
          f"articles {_share(total['articles_rejected'], total['articles'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
