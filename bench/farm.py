"""A loopback feed farm for the benchmarks: N feeds x M items spread over several 127.0.0.x hosts,
each answering after `latency` seconds, with ETag support (an unchanged feed answers 304).

Run as a separate process (`python -m bench.farm ...`) so its memory is not counted as the poller's.
It prints one line of JSON with every feed URL, then serves until stdin closes.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import re
import sys
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from monitor.loopback import LAST_MODIFIED

ECBPLUS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "ecbplus" / "items.jsonl"
SEED_TEXTS = [
    "Soldiers of the 102nd Infantry Battalion shot people who had surrendered in a warehouse in Tlatlaya.",
    "Federal police opened fire on an unarmed family in Apatzingán, witnesses said.",
    "Militares con sede en Iguala siguieron la agresión contra los normalistas y no intervinieron.",
    "The navy evacuated tourists from Los Cabos after the hurricane.",
]


def sentences() -> list[str]:
    """Real news sentences (ECB+) to build distinct items from; a few seed-case sentences mixed in."""
    pool: list[str] = []
    if ECBPLUS.exists():
        for line in ECBPLUS.read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["text"]
            pool.extend(s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if 40 < len(s) < 400)
    return pool or [f"Report number {i} on events in the region." for i in range(2000)]


def rss(feed: int, items: int, pool: list[str], rng: random.Random) -> bytes:
    entries = []
    for i in range(items):
        body = " ".join(rng.sample(pool, 3))
        if rng.random() < 0.05:
            body = rng.choice(SEED_TEXTS) + " " + body
        title = " ".join(body.split()[:10])
        entries.append(
            f"<item><title>{escape(title)}</title><link>https://news-{feed}.example.org/{feed}/{i}</link>"
            f"<guid>farm-{feed}-{i}</guid><pubDate>{format_datetime(_date(rng))}</pubDate>"
            f"<description>{escape(body)}</description></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Farm {feed}</title>'
            f"<link>https://news-{feed}.example.org/</link>{''.join(entries)}</channel></rss>").encode()


def _date(rng: random.Random):  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.datetime(2026, 11, 23, tzinfo=dt.UTC) - dt.timedelta(minutes=rng.randrange(1440))


class Farm:
    """An asyncio HTTP/1.1 server (keep-alive, ETag, 304) on several loopback hosts.

    The farm shares this 2-core machine with the poller it measures, so it is written to cost as
    little CPU as a remote server would cost us: no thread per connection, minimal parsing.
    """

    def __init__(self, pages: dict[str, bytes], latency: float) -> None:
        self.latency = latency
        self.pages = {path: (body, '"' + hashlib.sha1(body).hexdigest()[:16] + '"') for path, body in pages.items()}

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                await asyncio.sleep(self.latency)
                writer.write(self.answer(head))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def answer(self, head: bytes) -> bytes:
        lines = head.decode("latin-1").split("\r\n")
        path = lines[0].split(" ")[1].split("?")[0]
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        if path not in self.pages:
            return b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
        body, etag = self.pages[path]
        if headers.get("if-none-match") == etag:
            return f"HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nContent-Length: 0\r\n\r\n".encode()
        return (f"HTTP/1.1 200 OK\r\nETag: {etag}\r\nLast-Modified: {LAST_MODIFIED}\r\n"
                f"Content-Type: application/rss+xml\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


async def serve(per_host: list[dict[str, bytes]], latency: float) -> None:
    servers = []
    urls: list[str] = []
    for h, pages in enumerate(per_host):
        farm = Farm(pages, latency)
        server = await asyncio.start_server(farm.handle, f"127.0.0.{2 + h}", 0, backlog=1024)
        port = server.sockets[0].getsockname()[1]
        urls.extend(f"http://127.0.0.{2 + h}:{port}{path}" for path in pages)
        servers.append(server)
    print(json.dumps({"urls": urls}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until the benchmark closes stdin
    for server in servers:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=5)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng, pool = random.Random(args.seed), sentences()
    per_host: list[dict[str, bytes]] = [{} for _ in range(args.hosts)]
    for feed in range(args.feeds):
        per_host[feed % args.hosts][f"/feed-{feed}.xml"] = rss(feed, args.items, pool, rng)
    asyncio.run(serve(per_host, args.latency))


if __name__ == "__main__":
    main()
