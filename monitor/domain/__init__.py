"""The domain: the types the matchers, the notifiers and the application share, with no I/O.

    errors       the one exception tree (MonitorError and its children)
    item         Item, Page (what a source yields) and FeedState (what the store keeps per feed)
    watchlist    Watchlist, Unit, Case, Statement (frozen; loaded by monitor.config.watchlist)
    assessment   Assessment, Link, Allegation, Evidence (what the linker decides about an item)
    messages     Alert, Digest and their parts (what notifiers are handed)
    text         fold / strip_accents (the accent- and case-insensitive form every matcher uses)

Nothing here imports the rest of `monitor`, `matchers` or `notifiers` (import-linter checks it).
"""
