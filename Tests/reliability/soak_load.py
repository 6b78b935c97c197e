#!/usr/bin/env python3
"""Open-loop HTTP load for the soak: chat completions at a fixed rate over raw keep-alive sockets (asyncio, stdlib).

Request i is due at start + i / rate whatever happened to the requests before it (open loop: a slow router
does not slow the generator down, so it cannot hide its own stalls). A due request takes an idle keep-alive
connection, else opens a new one (up to `--max-connections`; beyond that it is recorded as not sent). Each
request's record says when it was due, when its bytes were written, when its answer was complete, the status,
the `x-switchyard-generation` and `x-switchyard-bundle` headers, the error code of an error body, and the
transport error if the connection failed.

Times are `time.time()` (the wall clock), so that they compare with the flipper's commit times in another
process and with the journal's `time`. Run alone, it writes one CSV row per request:

    python3 soak_load.py --url http://127.0.0.1:8080 --seconds 10 --rps 500 --out load.csv
"""
import argparse
import asyncio
import csv
import json
import sys
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

BODY = json.dumps({"model": "support-assistant", "messages": [{"role": "user", "content": "soak"}],
                   "max_tokens": 8}, separators=(",", ":")).encode()
FIELDS = ["index", "due", "sent", "done", "status", "generation", "bundle", "code", "error"]
TIMEOUT_SECONDS = 10.0
PROGRESS_SECONDS = 10
NOT_SENT = "not sent: every connection busy"


@dataclass
class Record:
    """One request: times (wall clock, seconds), what came back, or why nothing did."""
    index: int
    due: float
    sent: float = None
    done: float = None
    status: int = None
    generation: int = None
    bundle: str = None
    code: str = None
    error: str = None

    def row(self):
        return [self.index, f"{self.due:.6f}", "" if self.sent is None else f"{self.sent:.6f}",
                "" if self.done is None else f"{self.done:.6f}", self.status or "", self.generation or "",
                self.bundle or "", self.code or "", self.error or ""]


def read_records(path):
    """The records a run wrote, as `Record`s."""
    def number(text, kind):
        return kind(text) if text != "" else None
    with open(path, newline="") as handle:
        return [Record(int(r["index"]), float(r["due"]), number(r["sent"], float), number(r["done"], float),
                       number(r["status"], int), number(r["generation"], int), r["bundle"] or None, r["code"] or None,
                       r["error"] or None) for r in csv.DictReader(handle)]


class LoadGenerator:
    """Sends `rps` requests a second for `seconds` to `url`, open loop, and keeps a `Record` of each."""

    def __init__(self, url, rps, seconds, max_connections):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.rps, self.seconds, self.max_connections = rps, seconds, max_connections
        self.request = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                        f"Content-Type: application/json\r\nAuthorization: Bearer sk-soak\r\n"
                        f"Content-Length: {len(BODY)}\r\n\r\n").encode() + BODY
        self.idle = []
        self.open_connections = 0
        self.records = []
        self.peak_connections = 0
        self.answered = 0
        self.failed = 0

    async def run(self):
        loop = asyncio.get_running_loop()
        for _ in range(min(8, self.max_connections)):  # a few warm connections, as a client library would keep
            self.open_connections += 1
            self.idle.append(await self.connect())
        tasks = set()
        total = int(self.rps * self.seconds)
        start_mono = loop.time() + 0.05
        start_wall = time.time() + (start_mono - loop.time())
        print(json.dumps({"started": start_wall}), flush=True)
        next_progress = PROGRESS_SECONDS
        for index in range(total):
            offset = index / self.rps
            delay = start_mono + offset - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            if offset >= next_progress:
                self.progress(offset)
                next_progress += PROGRESS_SECONDS
            record = Record(index, start_wall + offset)
            self.records.append(record)
            connection = self.take_idle()
            if connection is None:
                if self.open_connections >= self.max_connections:
                    record.error = NOT_SENT
                    self.failed += 1
                    continue
                self.open_connections += 1  # counted from now, so that connections being opened count against the cap
            task = asyncio.create_task(self.exchange(record, connection))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.wait(tasks)
        for reader, writer in self.idle:
            writer.close()
        return self.records

    def progress(self, elapsed):
        """One JSON line on stdout: requests due so far, answered, and failed (non-2xx or no answer)."""
        print(json.dumps({"progress": round(elapsed), "due": len(self.records), "answered": self.answered, "failed": self.failed,
                          "connections": self.open_connections}), flush=True)

    def take_idle(self):
        """The most recently used idle connection the server has not closed, else None."""
        while self.idle:
            reader, writer = self.idle.pop()
            if not reader.at_eof():
                return reader, writer
            writer.close()
            self.open_connections -= 1
        return None

    async def connect(self):
        """A new connection; the caller has already counted it in `open_connections`."""
        reader, writer = await asyncio.open_connection(self.host, self.port)
        self.peak_connections = max(self.peak_connections, self.open_connections)
        return reader, writer

    async def exchange(self, record, connection):
        keep = False
        fresh = connection is None
        try:
            async with asyncio.timeout(TIMEOUT_SECONDS):
                if connection is None:
                    connection = await self.connect()
                reader, writer = connection
                record.sent = time.time()
                writer.write(self.request)
                head = await reader.readuntil(b"\r\n\r\n")
                status, headers = parse_head(head)
                body = await read_body(reader, headers)
                record.done = time.time()
                record.status = status
                if "x-switchyard-generation" in headers:
                    record.generation = int(headers["x-switchyard-generation"])
                record.bundle = headers.get("x-switchyard-bundle")
                if status >= 400:
                    record.code = error_code(body)
                keep = headers.get("connection", "").lower() != "close" and body is not None
                self.answered += 1
                self.failed += status >= 300
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError) as error:
            record.done = time.time()
            reused = "" if record.sent is None or fresh else " (on a reused keep-alive connection)"
            record.error = f"{type(error).__name__}: {error}{reused}"[:200]
            self.failed += 1
        finally:
            if keep:
                self.idle.append(connection)
            else:
                if connection is not None:
                    connection[1].close()
                self.open_connections -= 1


def parse_head(head):
    """(status, {lower-case name: value}) of a response head."""
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name:
            headers[name.strip().lower()] = value.strip()
    return status, headers


async def read_body(reader, headers):
    """The body of a response whose head was read: by Content-Length, chunked, or (None) up to the close."""
    if "content-length" in headers:
        return await reader.readexactly(int(headers["content-length"]))
    if "chunked" in headers.get("transfer-encoding", "").lower():
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunks.append(await reader.readexactly(size + 2))
            if size == 0:
                return b"".join(chunks)
    await reader.read()
    return None


def error_code(body):
    """The `error.code` of an OpenAI-shaped error body, else a short description of the body."""
    try:
        error = json.loads(body or b"{}").get("error") or {}
        return str(error.get("code") or error.get("type") or "no code")
    except (ValueError, AttributeError):
        return "body is not JSON"


def write_records(records, path):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(FIELDS)
        writer.writerows(record.row() for record in records)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the router's data plane, e.g. http://127.0.0.1:8080")
    parser.add_argument("--rps", type=float, default=500)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--max-connections", type=int, default=256)
    parser.add_argument("--out", required=True, help="CSV file for the records")
    args = parser.parse_args()
    generator = LoadGenerator(args.url, args.rps, args.seconds, args.max_connections)
    started = time.process_time()
    records = asyncio.run(generator.run())
    cpu = time.process_time() - started
    write_records(records, args.out)
    print(json.dumps({"finished": len(records), "peak_connections": generator.peak_connections,
                      "cpu_seconds": round(cpu, 2)}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
