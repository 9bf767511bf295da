"""Plain functions that change or read the domain. The actor is passed in; callers commit.

- guards: the rules every service repeats (admin only, unknown fields, versions, flush-or-conflict)
- errors, validation, audit, serialize: domain errors, field checks, revisions, JSON shapes (*_data)
- sources, search, publishing, public_site: the registry, search, publishing and the public pages
- accounts/, articles/, annotations/, review/, desk/, exchange/: by domain, each with its own map
"""
