"""The vetter's loop: verdicts on alerts, relinking the archive when the watchlist changes, labels from verdicts.

    archive   the "from the archive" message: built from relinked items, kept in the outbox as JSON
    relink    link stored items again against the current watchlist; queue one archive message per unit
    watch     `monitor run` notices a changed watchlist.yaml (its fingerprint) and relinks on the next tick
    slack     a click on an alert's buttons (or the note modal): checked, stored, the message updated
    socket    Slack Socket Mode (slack_sdk's client): the clicks reach `monitor run` without a public URL
    labels    `monitor labels`: reviewed items in the `monitor eval` format
"""
