"""Sources: from a feed's URL to `Item`s with their full text.

    read       read_feed (conditional GET, parse by kind) and enrich (report PDFs, article text)
    check      `monitor feeds check`: fetch and parse every feed once, nothing stored
    rss, reliefweb, html_list, gdelt, sitemap    one parser per feed kind
    pdf, fulltext                report pages and article bodies
    language   the language of items whose source names none (py3langid)
    discover   a site's feeds, for `monitor feeds add URL`
    markup     untrusted HTML -> plain text;  xmlguard   refuses hostile XML before parsing
"""
