"""Sources: from a feed's URL to `Item`s with their full text.

    read       read_feed (conditional GET, parse by kind) and enrich (report PDFs, article text)
    check      `monitor feeds check`: fetch and parse every feed once, nothing stored
    rss, reliefweb, html_list    one parser per feed kind
    pdf, fulltext                report pages and article bodies
    markup     untrusted HTML -> plain text;  xmlguard   refuses hostile XML before parsing
"""
