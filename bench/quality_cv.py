"""Cross-validated extraction quality: every tuned choice fitted on other sites than the ones it is scored on.

Each dev set is split by site (aeb, trafilatura: the URL's host; fundus: the publisher) into K folds,
whole sites to a fold. For each fold, every tuned choice of extraction (each page-level boilerplate rule,
the link-run threshold, the title-heading drop, the page classifier, the title/author/date heuristics;
``pipeline.core.extract.ExtractionChoices``) is fitted on the other folds and the fitted configuration is
scored on the held-out fold, beside plain trafilatura on the same fold. Ablations: each choice switched
off (or set to another value) against the defaults, scored on held-out folds only.

Fitting rule: a text choice (a rule, a threshold) is kept on the training folds only when it does not lower
F1 there and costs no recall (``RECALL_TOLERANCE``); a metadata choice when its field's score is not lower;
the title configuration is the member of ``title_grid`` with the best training title score.
Ties keep the default. The pipeline's defaults are the choices these held-out figures support.
"""
from __future__ import annotations

import gzip
import hashlib
import logging
from dataclasses import fields, replace
from urllib.parse import urlsplit

import quality
from quality import Output, Page

K = 5
RECALL_TOLERANCE = 0.0005  # a text rule may not cost more recall than this on the folds it is fitted on
PRIMARY = "f1"
METADATA_FIELD = {"title": "title", "authors": "author_recall", "author_organisations": "author_recall",
                  "date": "date"}


def site_of(name: str, page: Page) -> str:
    if name == "fundus":
        return page.gold["publisher"]
    host = urlsplit(page.url or "").hostname or ""
    return host.removeprefix("www.") or page.relative


def assign_folds(name: str, pages: list[Page], k: int = K) -> list[int]:
    """Fold of each page: whole sites to a fold, largest sites first to the emptiest fold (ties by a hash)."""
    sizes: dict[str, int] = {}
    for page in pages:
        sizes[site_of(name, page)] = sizes.get(site_of(name, page), 0) + 1
    order = sorted(sizes, key=lambda site: (-sizes[site], hashlib.sha1(site.encode()).hexdigest()))
    load, fold_of = [0] * k, {}
    for site in order:
        fold = min(range(k), key=lambda f: (load[f], f))
        fold_of[site] = fold
        load[fold] += sizes[site]
    return [fold_of[site_of(name, page)] for page in pages]


def variants():
    """(label, kind, choices) of every ablation: kind "text" (judged on F1 and recall) or a metadata field."""
    from pipeline.core.boilerplate import PAGE_RULES
    from pipeline.core.extract import DEFAULT_CHOICES as D

    out = [(f"rule:{rule}", "text", replace(D, disabled_rules=D.disabled_rules | {rule}))
           for rule in PAGE_RULES if rule not in D.disabled_rules]
    out += [(f"rule:{rule} (re-enabled)", "text", replace(D, disabled_rules=D.disabled_rules - {rule}))
            for rule in sorted(D.disabled_rules)]
    out += [(f"link_run_min={n}", "text", replace(D, link_run_min=n)) for n in (3, 5, 6) if n != D.link_run_min]
    out += [("drop_title_heading off", "text", replace(D, drop_title_heading=not D.drop_title_heading)),
            ("page classifier off", "text", replace(D, classify_pages=not D.classify_pages)),
            *[(f"line breaks: {mode}", "text", replace(D, line_breaks=mode))
              for mode in ("sentence", "all", "keep") if mode != D.line_breaks],
            ("description lead" + (" off" if D.description_lead else " on"), "text",
             replace(D, description_lead=not D.description_lead)),
            ("title: trafilatura's", "title", replace(D, title="trafilatura")),
            ("title: voted" if D.title != "voted" else "title: scored", "title",
             replace(D, title="voted" if D.title != "voted" else "scored")),
            ("title affixes" + (" off" if D.title_affixes else " on"), "title",
             replace(D, title_affixes=not D.title_affixes)),
            ("title: agreement" if D.title != "agreement" else "title: scored", "title",
             replace(D, title="agreement" if D.title != "agreement" else "scored")),
            ("title: agreement, affixes " + ("off" if D.title_affixes else "on"), "title",
             replace(D, title="agreement" if D.title != "agreement" else "scored", title_affixes=not D.title_affixes)),
            ("title: og/JSON-LD disagreement settled by <h1>" + (" off" if D.title_disagreement else " on"), "title",
             replace(D, title_disagreement=not D.title_disagreement)),
            ("title: visible <h1> core" + (" off" if D.title_visible_core else " on"), "title",
             replace(D, title_visible_core=not D.title_visible_core)),
            ("title: site name never the title" + (" off" if D.title_not_site_name else " on"), "title",
             replace(D, title_not_site_name=not D.title_not_site_name)),
            *[(f"title continuation: {mode}", "title", replace(D, title_continuation=mode))
              for mode in ("truncated", "always", "never") if mode != D.title_continuation],
            ("headline lead" + (" off" if D.headline_lead else " on"), "text",
             replace(D, headline_lead=not D.headline_lead)),
            ("authors: trafilatura's", "authors", replace(D, authors="trafilatura")),
            ("author organisations beside persons off", "author_organisations",
             replace(D, author_organisations=not D.author_organisations)),
            ("date: htmldate alone", "date", replace(D, date="htmldate"))]
    return out


TITLE_FIELDS = ("title", "title_affixes", "title_scoring", "title_disagreement", "title_visible_core",
                "title_not_site_name", "title_continuation")


def title_grid():
    """Every title configuration the folds choose among: trafilatura's, voted, scored, and agreement with each
    weighting of TitleScoring, each with and without the affix stripping; scored with the og/JSON-LD
    disagreement settled, and with each of its other title rules (visible core, site name, continuation)
    set otherwise."""
    from itertools import product

    from pipeline.core.extract import DEFAULT_CHOICES as D, TitleScoring

    orders = [("og", "ld", "h1", "twitter", "title", "extracted"), ("ld", "og", "h1", "twitter", "title", "extracted"),
              ("h1", "ld", "og", "twitter", "title", "extracted")]
    out = [replace(D, title="trafilatura", title_affixes=False), replace(D, title="voted", title_affixes=False)]
    for affixes in (False, True):
        out.append(replace(D, title="scored", title_affixes=affixes, title_scoring=None))
        for contained, containing, order, copy_weight in product((0.5, 1.0), (0.0, 0.5), orders, (0.5, 1.0)):
            scoring = TitleScoring(contained, containing, order, copy_weight)
            out.append(replace(D, title="agreement", title_affixes=affixes, title_scoring=scoring))
    out.append(replace(D, title="scored", title_affixes=False, title_disagreement=True))
    scored = replace(D, title="scored", title_affixes=False, title_scoring=None)
    out += [replace(scored, title_visible_core=not D.title_visible_core),
            replace(scored, title_not_site_name=not D.title_not_site_name),
            *[replace(scored, title_continuation=mode) for mode in ("truncated", "always", "never")
              if mode != D.title_continuation]]
    return out


def fit_title(run: "SetRun", train: set[int]):
    """The title configuration with the best title score on the training folds; ties keep the default."""
    from pipeline.core.extract import DEFAULT_CHOICES

    if not run.has_metadata():
        return {}
    best, best_score = DEFAULT_CHOICES, run.scores(run.page_components(DEFAULT_CHOICES), train)["title"]
    for choices in title_grid():
        value = run.scores(run.page_components(choices), train)["title"]
        if value > best_score + 1e-12:
            best, best_score = choices, value
    return {name: getattr(best, name) for name in TITLE_FIELDS}


class SetRun:
    """One dev set: drafts and plain outputs computed once, any configuration scored per page from the drafts."""

    def __init__(self, name: str):
        from pipeline.core.extract import draft_article
        from pipeline.core.models import Unusable
        from pipeline.settings import Settings

        self.name, self.settings = name, Settings()
        self.pages = quality.load_pages(name)
        self.folds = assign_folds(name, self.pages)
        self.drafts, self.plain = [], []
        for page in self.pages:
            html = quality.decode_html(gzip.open(page.path).read())
            try:
                self.drafts.append(draft_article(html, page.url, self.settings))
            except Unusable:
                self.drafts.append(None)
            self.plain.append(quality.components(name, quality.plain(html, page.url), page.gold))
        self._cache: dict = {}

    def page_components(self, choices) -> list[dict]:
        if choices not in self._cache:
            self._cache[choices] = [quality.components(self.name, self._output(draft, choices), page.gold)
                                    for draft, page in zip(self.drafts, self.pages)]
        return self._cache[choices]

    def _output(self, draft, choices) -> Output:
        from pipeline.core.extract import article_from_draft
        from pipeline.core.models import Unusable

        if draft is None:
            return Output()
        try:
            article = article_from_draft(draft, self.settings, choices)
        except Unusable:
            return Output()
        kept = [p.text for p in article.paragraphs if not p.is_boilerplate]
        return Output(article.text, kept, article.title, article.authors, article.published_at)

    def scores(self, per_page: list[dict], folds: set[int]) -> dict:
        return quality.aggregate(self.name, [c for c, f in zip(per_page, self.folds) if f in folds])

    def has_metadata(self) -> bool:
        return self.name != "aeb"


def _better_or_equal(kind: str, with_choice: dict, without: dict, has_metadata: bool) -> bool:
    """Whether the default (with_choice) is supported against the variant (without) on training folds."""
    if kind == "text":
        return with_choice[PRIMARY] >= without[PRIMARY] - 1e-12 and with_choice["recall"] >= without["recall"] - RECALL_TOLERANCE
    if not has_metadata:
        return True
    return with_choice[METADATA_FIELD[kind]] >= without[METADATA_FIELD[kind]] - 1e-12


def fit(run: SetRun, train: set[int]):
    """The configuration the training folds support: each ablation judged against the defaults on its own."""
    from pipeline.core.extract import DEFAULT_CHOICES

    base = run.scores(run.page_components(DEFAULT_CHOICES), train)
    fitted = DEFAULT_CHOICES
    link_runs = []
    for label, kind, choices in variants():
        other = run.scores(run.page_components(choices), train)
        if label.startswith("link_run_min"):
            link_runs.append((other[PRIMARY], other["recall"], choices.link_run_min))
            continue
        if kind == "title":  # fitted below, over the whole grid of title configurations
            continue
        if _better_or_equal(kind, base, other, run.has_metadata()):
            continue
        if label.startswith("rule:"):
            fitted = replace(fitted, disabled_rules=fitted.disabled_rules ^ (choices.disabled_rules ^ DEFAULT_CHOICES.disabled_rules))
        else:
            changed = [f.name for f in fields(choices) if getattr(choices, f.name) != getattr(DEFAULT_CHOICES, f.name)]
            fitted = replace(fitted, **{name: getattr(choices, name) for name in changed})
    best = (base[PRIMARY], base["recall"], DEFAULT_CHOICES.link_run_min)
    for f1, recall, n in link_runs:
        if f1 > best[0] + 1e-12 and recall >= base["recall"] - RECALL_TOLERANCE:
            best = (f1, recall, n)
    return replace(fitted, link_run_min=best[2], **fit_title(run, train))


def cross_validate(run: SetRun) -> dict:
    """Per fold: plain, defaults and the fitted configuration scored on the held-out fold."""
    from pipeline.core.extract import DEFAULT_CHOICES

    folds = sorted(set(run.folds))
    rows = []
    for fold in folds:
        train = set(folds) - {fold}
        fitted = fit(run, train)
        rows.append({"fold": fold, "pages": run.folds.count(fold),
                     "plain": run.scores(run.plain, {fold}),
                     "defaults": run.scores(run.page_components(DEFAULT_CHOICES), {fold}),
                     "fitted": run.scores(run.page_components(fitted), {fold}),
                     "changes": describe(fitted)})
    return {"dev": run.scores(run.page_components(DEFAULT_CHOICES), set(folds)),
            "plain_dev": run.scores(run.plain, set(folds)), "folds": rows,
            "fitted_all": describe(fit(run, set(folds)))}


def describe(choices) -> str:
    from pipeline.core.extract import DEFAULT_CHOICES

    changes = [f"-{r}" for r in sorted(choices.disabled_rules - DEFAULT_CHOICES.disabled_rules)]
    changes += [f"+{r}" for r in sorted(DEFAULT_CHOICES.disabled_rules - choices.disabled_rules)]
    for name in ("link_run_min", "drop_title_heading", "title", "title_affixes", "title_scoring", "authors",
                 "author_organisations", "date", "classify_pages", "line_breaks", "description_lead", "title_disagreement",
                 "title_visible_core", "title_not_site_name", "title_continuation", "headline_lead"):
        if getattr(choices, name) != getattr(DEFAULT_CHOICES, name):
            changes.append(f"{name}={_short(getattr(choices, name))}")
    return " ".join(changes) or "defaults"


def _short(value) -> str:
    from pipeline.core.extract import TitleScoring

    if isinstance(value, TitleScoring):
        return f"({value.contained:g},{value.containing:g},{value.order[0]}-first,copies {value.copy_weight:g})"
    return str(value)


def ablations(run: SetRun) -> list[tuple[str, list[dict]]]:
    """What each choice adds: defaults minus the variant, per held-out fold (each fold scored on its own pages)."""
    from pipeline.core.extract import DEFAULT_CHOICES

    folds = sorted(set(run.folds))
    base = [run.scores(run.page_components(DEFAULT_CHOICES), {f}) for f in folds]
    out = []
    for label, _, choices in variants():
        other = [run.scores(run.page_components(choices), {f}) for f in folds]
        out.append((label, [{key: b[key] - o[key] for key in b} for b, o in zip(base, other)]))
    return out


TEXT_COLUMNS = ("precision", "recall", "f1")
META_COLUMNS = ("title", "date", "author_recall")


def _cells(scores: dict, columns) -> str:
    return " ".join(f"{scores[c]:6.3f}" for c in columns)


def report(name: str, run: SetRun, result: dict) -> None:
    columns = TEXT_COLUMNS + (META_COLUMNS if run.has_metadata() else ())
    head = " ".join(f"{c[:6]:>6}" for c in columns)
    print(f"\n== {name}: {len(run.pages)} pages, {len(set(site_of(name, p) for p in run.pages))} sites, "
          f"{len(result['folds'])} folds by site ==")
    print(f"{'':<28} {head}")
    print(f"{'dev (defaults, all pages)':<28} {_cells(result['dev'], columns)}")
    print(f"{'plain trafilatura, all pages':<28} {_cells(result['plain_dev'], columns)}")
    for row in result["folds"]:
        print(f"fold {row['fold']} ({row['pages']:>3} pages) fitted   {_cells(row['fitted'], columns)}   [{row['changes']}]")
        print(f"{'':<18} plain    {_cells(row['plain'], columns)}")
    print(f"{'fitted on all folds':<28} [{result['fitted_all']}]")
    for system in ("fitted", "defaults", "plain"):
        mean = {c: sum(r[system][c] for r in result["folds"]) / len(result["folds"]) for c in columns}
        worst = {c: min(r[system][c] for r in result["folds"]) for c in columns}
        print(f"{system + ' fold mean':<28} {_cells(mean, columns)}")
        print(f"{system + ' worst fold':<28} {_cells(worst, columns)}")
    for system in ("fitted", "defaults"):
        below = [r["fold"] for r in result["folds"] if r[system]["f1"] < r["plain"]["f1"] - 1e-12]
        below_recall = [r["fold"] for r in result["folds"] if r[system]["recall"] < r["plain"]["recall"] - 1e-12]
        print(f"{system}: folds below plain on F1 {below or 'none'}, on recall {below_recall or 'none'}")


def report_ablations(name: str, run: SetRun) -> None:
    columns = TEXT_COLUMNS + (META_COLUMNS if run.has_metadata() else ())
    print(f"\n-- {name}: ablations, held-out folds (defaults minus variant: >0 means the default choice helps) --")
    print(f"{'choice':<44} " + " ".join(f"{'mean ' + c[:6]:>12} {'min':>7}" for c in columns))
    for label, deltas in ablations(run):
        if all(abs(d[c]) < 1e-12 for d in deltas for c in columns):
            print(f"{label:<44} no effect on any fold")
            continue
        cells = " ".join(f"{sum(d[c] for d in deltas) / len(deltas):>+12.4f} {min(d[c] for d in deltas):>+7.4f}"
                         for c in columns)
        print(f"{label:<44} {cells}")


def main_cv(names: list[str]) -> None:
    from pipeline.core import extract

    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    extract.detect_language = lambda text: None  # languages play no part in any score; skipping them is faster
    extract.paragraph_language = lambda text, article_language: None
    for name in names:
        run = SetRun(name)
        report(name, run, cross_validate(run))
        report_ablations(name, run)
        report_ensemble(name, run, cross_validate_ensemble(run))


# --- the extractor ensemble (pipeline/core/ensemble.py): fixed configurations and one fitted per fold ----------

def ensemble_variants():
    """(label, choices) of the ensemble configurations the folds choose among (the defaults' other choices kept);
    "gated, vote 4 of 4, min 15 words" is EnsembleChoice(mode="gated"), what NEWS_EXTRACTION_ENSEMBLE=gated runs."""
    from pipeline.core.ensemble import EnsembleChoice
    from pipeline.core.extract import DEFAULT_CHOICES as D

    grid = [("vote 4 of 4", EnsembleChoice(votes=4, min_words=8)), ("vote 3 of 4", EnsembleChoice(votes=3, min_words=8)),
            ("vote 2 of 4", EnsembleChoice(votes=2, min_words=8)),
            ("vote 3 of 4, min 15 words", EnsembleChoice(votes=3, min_words=15)),
            ("vote 4 of 4, min 15 words", EnsembleChoice(votes=4, min_words=15)),
            ("vote 3 of 4, interior only", EnsembleChoice(votes=3, interior=True, min_words=8)),
            ("vote 3 of 4, min 15, interior", EnsembleChoice(votes=3, min_words=15, interior=True)),
            ("vote 3 of 4, captions too", EnsembleChoice(votes=3, skip_captions=False, min_words=8)),
            ("vote 3 of 4 + flag unsupported", EnsembleChoice(votes=3, flag_unsupported=True, min_words=8)),
            ("flag unsupported only", EnsembleChoice(add=False, flag_unsupported=True)),
            ("gated, vote 3 of 4", EnsembleChoice(mode="gated", votes=3, min_words=8)),
            ("gated, vote 2 of 4", EnsembleChoice(mode="gated", votes=2, min_words=8)),
            ("gated, vote 4 of 4, min 15 words", EnsembleChoice(mode="gated", votes=4, min_words=15)),
            ("gated 100 words, vote 4 of 4, min 15", EnsembleChoice(mode="gated", votes=4, min_words=15, gate_words=100)),
            ("gated, vote 3 of 4, min 15 words", EnsembleChoice(mode="gated", votes=3, min_words=15))]
    return [(label, replace(D, ensemble=choice)) for label, choice in grid]


def fit_ensemble(run: SetRun, train: set[int], base_choices):
    """The ensemble configuration with the best training F1 that costs no training recall; else base_choices."""
    base = run.scores(run.page_components(base_choices), train)
    best, best_f1 = base_choices, base[PRIMARY]
    for _, choices in ensemble_variants():
        choices = replace(base_choices, ensemble=choices.ensemble)
        other = run.scores(run.page_components(choices), train)
        if other[PRIMARY] > best_f1 + 1e-12 and other["recall"] >= base["recall"] - RECALL_TOLERANCE:
            best, best_f1 = choices, other[PRIMARY]
    return best


def cross_validate_ensemble(run: SetRun) -> dict:
    """Per held-out fold: defaults (ensemble as DEFAULT_CHOICES has it), each fixed configuration, the one
    fitted on the other folds, plain trafilatura."""
    from pipeline.core.extract import DEFAULT_CHOICES

    folds = sorted(set(run.folds))
    systems = {"plain": run.plain, "defaults": run.page_components(DEFAULT_CHOICES)}
    labels = {}
    for label, choices in ensemble_variants():
        systems[label] = run.page_components(choices)
        labels[choices.ensemble] = label
    rows = []
    for fold in folds:
        fitted = fit_ensemble(run, set(folds) - {fold}, DEFAULT_CHOICES)
        row = {name: run.scores(per_page, {fold}) for name, per_page in systems.items()}
        row["fitted"] = run.scores(run.page_components(fitted), {fold})
        row["fitted_label"] = labels.get(fitted.ensemble, "off")
        rows.append(row)
    dev = {name: run.scores(per_page, set(folds)) for name, per_page in systems.items()}
    failed = {}
    for draft in run.drafts:
        for extractor in (draft.alternatives.failed if draft is not None and draft.alternatives else {}):
            failed[extractor] = failed.get(extractor, 0) + 1
    return {"dev": dev, "folds": rows, "systems": ["defaults", *labels.values(), "fitted", "plain"],
            "fitted_all": labels.get(fit_ensemble(run, set(folds), DEFAULT_CHOICES).ensemble, "off"),
            "failed": failed}


def report_ensemble(name: str, run: SetRun, result: dict) -> None:
    print(f"\n-- {name}: extractor ensemble, held-out folds (F1, recall): dev / fold mean / worst fold; "
          f"folds below plain on F1, on recall; folds below the defaults on F1, on recall --")
    print(f"{'configuration':<38} {'dev':>13} {'fold mean':>13} {'worst fold':>13}  below plain / below defaults")
    for system in result["systems"]:
        rows = result["folds"]
        mean = {c: sum(r[system][c] for r in rows) / len(rows) for c in ("f1", "recall")}
        worst = {c: min(r[system][c] for r in rows) for c in ("f1", "recall")}
        dev = result["dev"].get(system)
        dev_cell = f"{dev['f1']:.3f} ({dev['recall']:.3f})" if dev else f"{'-':>13}"
        below = [r_i for r_i, r in enumerate(rows) if r[system]["f1"] < r["plain"]["f1"] - 1e-12]
        below_recall = [r_i for r_i, r in enumerate(rows) if r[system]["recall"] < r["plain"]["recall"] - 1e-12]
        lost = [r_i for r_i, r in enumerate(rows) if r[system]["f1"] < r["defaults"]["f1"] - 1e-12]
        lost_recall = [r_i for r_i, r in enumerate(rows) if r[system]["recall"] < r["defaults"]["recall"] - 1e-12]
        print(f"{system:<38} {dev_cell:>13} {mean['f1']:.3f} ({mean['recall']:.3f}) "
              f"{worst['f1']:.3f} ({worst['recall']:.3f})  {below or '-'} {below_recall or '-'} / "
              f"{lost or '-'} {lost_recall or '-'}")
    print(f"fitted per fold: {[r['fitted_label'] for r in result['folds']]}; on all folds: {result['fitted_all']}")
    if result["failed"]:
        print(f"extractor failures (it abstained): {result['failed']}")
