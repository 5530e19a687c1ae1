"""URL canonicalisation for de-duplication and per-domain grouping.

``canonical_url`` lower-cases scheme and host, drops a leading ``www.``, the
default port, user info, the fragment, a trailing slash and the tracking
parameters below, and sorts the remaining query parameters. Other parameters
are kept: on news sites they often identify the article (``?id=123``).
courlan's own query cleaning is not used because it also drops ``ref``,
``source``, ``cid`` and (strict mode) anything not allow-listed.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from courlan import extract_domain

TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "twclid", "igshid",
    "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "ocid",
    "cmpid", "ns_campaign", "ns_mchannel", "ns_source", "ns_linkname", "ns_fee",
    "xtor", "at_medium", "at_campaign", "spm",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "ga_")
DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def _host(netloc_host: str) -> str:
    host = netloc_host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def canonical_url(url: str | None) -> str | None:
    """Canonical form of an absolute http(s) URL, or None if there is none."""
    if not url or not url.strip():
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # bad port, bad IPv6 literal
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    host = _host(parts.hostname)
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    query = urlencode(sorted(params))
    if path == "/" and not query:
        path = ""
    return urlunsplit((scheme, netloc, path, query, ""))


def domain_of(url: str | None) -> str | None:
    """Registrable domain (``news.bbc.co.uk`` -> ``bbc.co.uk``); bare host for IPs/localhost."""
    canonical = canonical_url(url)
    if canonical is None:
        return None
    return extract_domain(canonical) or urlsplit(canonical).hostname
