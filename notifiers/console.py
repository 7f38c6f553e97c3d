"""Print alerts on a terminal: the notifier used when no Slack token is configured (and by the demo)."""

from __future__ import annotations

from typing import TextIO

from monitor.domain.messages import Alert, ArchiveNotice, UnitLine
from notifiers.escape import one_line, plain, safe_url, terminal

RULE = "=" * 72


class ConsoleNotifier:
    """Writes each alert as a readable block of lines; every piece of feed text is de-fanged first."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def send(self, alert: Alert) -> str:
        """Print `alert`; the returned id only echoes the alert id (a console keeps no message ids)."""
        self._stream.write("\n".join(alert_lines(alert)) + "\n")
        self._stream.flush()
        return f"console-{alert.id}"

    def find_posted(
        self, alert_id: int, oldest: float | None = None, *, thread_ts: str | None = None
    ) -> str | None:
        """Always None: what was printed cannot be read back, so a restart prints again."""
        return None

    def send_archive(self, notice: ArchiveNotice) -> str:
        """Print the "from the archive" message: the unit, then each stored item that now implicates it."""
        self._stream.write("\n".join(archive_lines(notice)) + "\n")
        self._stream.flush()
        return f"console-archive-{notice.id}"

    def find_archive_posted(self, notice_id: int, oldest: float | None = None) -> str | None:
        return None


def archive_lines(notice: ArchiveNotice) -> list[str]:
    lines = [RULE, "FROM THE ARCHIVE: " + one_line(notice.unit.name, 300), _unit(notice.unit)]
    lines.extend(_at_risk(notice.at_risk))
    for entry in notice.entries:
        when = entry.published.isoformat(sep=" ", timespec="minutes") if entry.published else "date unknown"
        href = safe_url(entry.url)
        lines.append("* " + one_line(f"{entry.headline or entry.url} ({entry.source}, {when})", 500))
        lines.append("  Link: " + (href if href else "(withheld: not a plain http(s) URL)"))
        lines.extend("  | " + line for line in plain(entry.passage, 800).strip().splitlines() if line.strip())
    lines.append(RULE)
    return [terminal(line) for line in lines]


def alert_lines(alert: Alert) -> list[str]:
    lines = [RULE, "ALERT: " + one_line(alert.headline, 300), _byline(alert)]
    if alert.cases:
        lines.append("Case: " + "; ".join(one_line(case, 200) for case in alert.cases))
    lines.append("Implicated:")
    lines.extend(_unit(unit) for unit in alert.implicated)
    lines.extend(_at_risk(alert.at_risk))
    lines.extend(_passage(alert))
    lines.extend("Talking point: " + one_line(line, 500) for line in alert.statements)
    href = safe_url(alert.url)
    lines.append("Link: " + (href if href else "(withheld: not a plain http(s) URL)"))
    if alert.also_reported_by:
        lines.append("Also reported by: " + ", ".join(one_line(name, 100) for name in alert.also_reported_by))
    lines.append(RULE)
    return [terminal(line) for line in lines]


def _byline(alert: Alert) -> str:
    when = alert.published.isoformat(sep=" ", timespec="minutes") if alert.published else "date unknown"
    kinds = f" | allegation: {', '.join(alert.allegation_types)}" if alert.allegation_types else ""
    language = f" | {alert.language}" if alert.language else ""
    return one_line(f"{alert.source} | {when}{language}{kinds}", 500)


def _at_risk(at_risk: tuple[UnitLine, ...]) -> list[str]:
    if not at_risk:
        return []
    return ["Supported units at risk through the chain of command:", *(_unit(unit) for unit in at_risk)]


def _unit(unit: UnitLine) -> str:
    chain = f" (under {' > '.join(unit.chain)})" if unit.chain else ""
    supported = " [US-supported]" if unit.supported else ""
    return "  - " + one_line(unit.name + supported + chain, 400)


def _passage(alert: Alert) -> list[str]:
    text = plain(alert.passage, 1500).strip()
    if not text:
        return []
    page = f" (p. {alert.page})" if alert.page is not None else ""
    return [f"Evidence{page}:", *("  | " + line for line in text.splitlines() if line.strip())]
