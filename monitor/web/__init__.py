"""The web console (`monitor serve`): the store browsable, read-only, behind a token off loopback.

    app      the Starlette application: routes, security headers, the token gate
    auth     the token login (HttpOnly cookie, hmac.compare_digest) and CSRF tokens for POST forms
    pages    one function per page: today, unit dossier, case, item, feeds, search
    serve    `monitor serve`: refuse a public address without MONITOR_WEB_TOKEN, run uvicorn
    templates/   Jinja2 (autoescape on); the unit page reuses the dossier's templates

The console reads the store (monitor.store.reads) and the watchlist; it never imports the
pipeline, fetchers or matchers (an import-linter contract in pyproject.toml).
"""
