"""Modest client traffic through `switchyard serve` that records every answer's generation and bundle.

A few threads send chat completions (some streamed, some with a session, some as tenant acme or globex) at
a fixed total rate. While the server is down (killed, restarting) they record the connection error and
keep going; the harness later checks every `x-switchyard-generation` they saw against the store.
"""
import random
import threading
import time
from dataclasses import dataclass

import requests

TENANTS = [None, None, "acme", "globex"]


@dataclass
class Answer:
    """One request and what came back: status (None when the connection failed), generation and bundle headers."""
    tenant: str
    session: str
    stream: bool
    sent: float
    status: int = None
    generation: int = None
    bundle: str = None
    complete: bool = False
    error: str = None


class Traffic:
    """`rate` requests/s in total over `workers` threads, to whatever URL `fleet.url` says now."""

    def __init__(self, fleet, rate=30, workers=3, seed=0, timeout=10):
        self.fleet = fleet
        self.interval = workers / rate
        self.workers = workers
        self.seed = seed
        self.timeout = timeout
        self.answers = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = []

    def start(self):
        self.threads = [threading.Thread(target=self.work, args=(index,), daemon=True) for index in range(self.workers)]
        for thread in self.threads:
            thread.start()
        return self

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=self.timeout + 5)

    def work(self, index):
        rng = random.Random(f"{self.seed}/{index}")
        http = requests.Session()
        while not self.stopping.is_set():
            began = time.monotonic()
            url = self.fleet.url
            if url:
                answer = send(http, url, tenant=rng.choice(TENANTS), session=f"s{rng.randrange(40)}" if rng.random() < 0.5 else None,
                              stream=rng.random() < 0.25, timeout=self.timeout)
                with self.lock:
                    self.answers.append(answer)
            self.stopping.wait(max(0.0, self.interval - (time.monotonic() - began)))

    def snapshot(self):
        with self.lock:
            return list(self.answers)


def send(http, url, tenant=None, session=None, stream=False, timeout=10):
    """Sends one chat completion and reads the whole answer; a stream counts as complete only with `data: [DONE]`."""
    headers = {}
    if tenant:
        headers["x-switchyard-tenant"] = tenant
    if session:
        headers["x-session-id"] = session
    body = {"model": "support-assistant", "messages": [{"role": "user", "content": "where is my order?"}], "stream": stream}
    answer = Answer(tenant=tenant, session=session, stream=stream, sent=time.time())
    try:
        with http.post(url + "/v1/chat/completions", json=body, headers=headers, timeout=timeout, stream=stream) as response:
            answer.status = response.status_code
            generation = response.headers.get("x-switchyard-generation")
            answer.generation = int(generation) if generation is not None else None
            answer.bundle = response.headers.get("x-switchyard-bundle")
            body = b"".join(response.iter_content(chunk_size=None))
            answer.complete = b"data: [DONE]" in body if stream else bool(body)
    except (requests.RequestException, ValueError) as error:
        answer.error = type(error).__name__
    return answer
