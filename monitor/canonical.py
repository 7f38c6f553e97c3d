"""One spelling per URL, so the same article reached through a newsletter or a share button is one item."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Parameters that say how a reader arrived, never which document they get.
_TRACKING = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
    "mc_cid", "mc_eid", "ref", "ref_src", "ref_url", "cmpid", "ocid", "icid", "ncid", "_ga", "_gl",
    "mkt_tok", "spm", "smid", "sr_share", "at_medium", "at_campaign",
})
_TRACKING_PREFIXES = ("utm_", "pk_", "hsa_", "__hs", "oly_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking(name: str) -> bool:
    """True for query parameters that only track the reader (`utm_source`, `fbclid`, ...)."""
    lowered = name.lower()
    return lowered in _TRACKING or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str, base: str | None = None) -> str:
    """Absolute URL with lowercase scheme and host, no fragment, default port or tracking parameters.

    The remaining query is sorted; the path is left exactly as given (servers may treat case and
    trailing slashes as meaningful). An empty or whitespace `url` gives "".
    """
    url = url.strip()
    if not url:
        return ""
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not is_tracking(k)))
    return urlunsplit((scheme, _netloc(parts.netloc, scheme), parts.path, query, ""))


def _netloc(netloc: str, scheme: str) -> str:
    userinfo, at, hostport = netloc.rpartition("@")
    host, port = hostport, ""
    if hostport.startswith("["):  # IPv6 literal: the port follows the closing bracket
        end = hostport.find("]")
        host, port = hostport[:end + 1], hostport[end + 2:] if hostport[end + 1:end + 2] == ":" else ""
    elif ":" in hostport:
        host, _, port = hostport.rpartition(":")
    host = host.lower().rstrip(".")
    if port and (not port.isdigit() or int(port) == _DEFAULT_PORTS.get(scheme)):
        port = ""
    return f"{userinfo}{at}{host}{':' + port if port else ''}"
