"""A small hand-written alias table: names news text uses interchangeably.

Each canonical name lists its label and the surface forms that mean it.
Matching ignores full stops and, except for short all-capital forms
(acronyms such as "US", "WHO"), letter case: "U.S." matches "US", but "Us"
and "who" do not. The table is deliberately short; anything not in it is
resolved only from evidence inside the articles (see canonical.py).

Known simplifications: "America" is taken to mean the United States and
"Britain"/"Great Britain" the United Kingdom, as news prose uses them.
"""
from __future__ import annotations

ALIASES: dict[str, tuple[str, tuple[str, ...]]] = {
    # canonical name: (label, surface forms)
    "United States": ("GPE", ("US", "USA", "U.S.", "U.S.A.", "United States",
                              "United States of America", "America")),
    "United Kingdom": ("GPE", ("UK", "U.K.", "Britain", "Great Britain", "United Kingdom",
                               "United Kingdom of Great Britain and Northern Ireland")),
    "European Union": ("ORG", ("EU", "E.U.", "European Union")),
    "United Nations": ("ORG", ("UN", "U.N.", "United Nations")),
    "NATO": ("ORG", ("NATO", "Nato", "North Atlantic Treaty Organization",
                     "North Atlantic Treaty Organisation")),
    "Russia": ("GPE", ("Russia", "Russian Federation")),
    "China": ("GPE", ("China", "People's Republic of China", "PRC", "mainland China")),
    "North Korea": ("GPE", ("North Korea", "DPRK", "Democratic People's Republic of Korea")),
    "South Korea": ("GPE", ("South Korea", "Republic of Korea")),
    "United Arab Emirates": ("GPE", ("UAE", "U.A.E.", "United Arab Emirates")),
    "World Health Organization": ("ORG", ("WHO", "World Health Organization",
                                          "World Health Organisation")),
    "International Monetary Fund": ("ORG", ("IMF", "International Monetary Fund")),
}

ACRONYM_MAX_LENGTH = 5


def alias_key(text: str) -> str:
    """Matching key: no full stops, single spaces, straight apostrophes;
    case-folded unless it is a short all-capital acronym."""
    key = " ".join(text.replace(".", "").replace("’", "'").split())
    if key.isupper() and len(key.replace(" ", "")) <= ACRONYM_MAX_LENGTH:
        return key
    return key.casefold()


_BY_KEY: dict[str, tuple[str, str]] = {
    alias_key(form): (name, label) for name, (label, forms) in ALIASES.items() for form in forms
}


def lookup(text: str) -> tuple[str, str] | None:
    """(canonical name, label) when ``text`` is a listed alias."""
    return _BY_KEY.get(alias_key(text))
