"""Domain names and URLs as the registry and the link checks see them: pure, no Flask.

A domain is kept lower case, in punycode, without "www."; a rating on it covers its subdomains
down to the registered domain under the public suffix list.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import urlsplit, urlunsplit

import idna
import tldextract

# The public suffix list bundled with tldextract: never fetched over the network, never cached on
# disk. Private suffixes (blogspot.com, github.io) count as suffixes, so one person's blog is its
# own site and a rating on it never spreads to everyone hosted there.
_extract = tldextract.TLDExtract(
    cache_dir=None, suffix_list_urls=(), include_psl_private_domains=True
)
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_SEPARATORS = re.compile(r"[\s,;|]+")


def normalise_domain(value: str) -> str:
    """The registry form of a domain (or of a URL's host): lower case, punycode, no "www.".

    Raises ValueError with a sentence naming what is wrong."""
    text = value.strip()
    if "://" in text:
        problem = url_problem(text)
        if problem:
            raise ValueError(f"{text[:80]!r} {problem}")
        text = urlsplit(text).hostname or ""
    else:
        text = text.split("/", 1)[0]
    text = text.strip().rstrip(".").lower()
    if not text:
        raise ValueError("is empty.")
    if len(text) > 253:
        raise ValueError(f"{text[:40]}... is longer than a domain name can be (253 characters).")
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        pass
    else:
        raise ValueError(
            f"{text} is an IP address; give the outlet's domain name, such as reuters.com."
        )
    try:
        host = ascii_host(text).lower()
    except ValueError as error:
        raise ValueError(f"{text} is not a valid domain name ({error}).") from None
    if host.startswith("www."):
        host = host[4:]
    if not all(_LABEL.match(label) for label in host.split(".")):
        raise ValueError(
            f"{host} is not a valid domain name (letters, digits and hyphens between dots)."
        )
    parts = _extract(host)
    if not parts.suffix:
        raise ValueError(f"{host} does not end in a known public suffix such as .com or .co.uk.")
    if not parts.domain:
        raise ValueError(
            f"{host} is a public suffix that anyone can register under; give the outlet's own domain, "
            "such as reuters.com or someone.blogspot.com."
        )
    return host


def registered_domain(host: str) -> str | None:
    """The domain a host belongs to under the public suffix list (uk.reuters.com -> reuters.com)."""
    parts = _extract(host)
    if not parts.suffix or not parts.domain:
        return None
    return f"{parts.domain}.{parts.suffix}"


def candidates(host: str) -> list[str]:
    """The host, then each parent down to its registered domain: the most specific first."""
    host = host.lower().rstrip(".")
    top = registered_domain(host)
    if top is None:
        return [host]
    found = [host]
    while host != top and "." in host:
        host = host.split(".", 1)[1]
        found.append(host)
    return found


def split_domains(value: object) -> list[str]:
    """Domains given as a list or as text separated by commas, spaces, semicolons or newlines."""
    if isinstance(value, str):
        return [part for part in _SEPARATORS.split(value) if part]
    if isinstance(value, list | tuple):
        return [part.strip() for part in value if isinstance(part, str) and part.strip()]
    return []


def url_problem(url: str) -> str | None:
    """Why a link is unacceptable, or None. Only absolute http(s) URLs without credentials."""
    # Printable ASCII without a space holds none of them: checked at C speed, the usual case.
    plain = url.isascii() and url.isprintable() and " " not in url
    if not plain and any(unicodedata.category(ch) in ("Cc", "Zs", "Zl", "Zp") for ch in url):
        return "must not contain spaces or control characters."
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return "is not a valid URL."
    if parts.scheme.lower() not in ("http", "https"):
        return (
            "must start with http:// or https:// (other schemes such as javascript: are refused)."
        )
    if not parts.hostname:
        return "must name a host, as in https://example.org/page."
    if parts.username or parts.password:
        return "must not contain a user name or password."
    try:
        ascii_host(parts.hostname)
    except ValueError as error:
        return f"has a host name that is not a valid internationalised domain name ({error})."
    return None


def ascii_host(host: str) -> str:
    """The host as DNS sees it: internationalised names in punycode (xn--...), so that a
    look-alike such as Cyrillic "аpple.com" shows its real form. Plain ASCII hosts pass as they are."""
    labels = host.split(".")
    if host.isascii() and not any(label.lower().startswith("xn--") for label in labels):
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as error:
        raise ValueError(str(error) or "invalid label") from None


def ascii_url(url: str) -> str:
    """The URL with an internationalised host rewritten to punycode; other URLs unchanged."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    real = ascii_host(host)
    if real == host and parts.netloc.isascii():
        return url
    port = f":{parts.port}" if parts.port is not None else ""
    return urlunsplit(parts._replace(netloc=real + port))
