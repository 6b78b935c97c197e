"""LLM-native signals through a real `switchyard serve`: tool loops and cost blow-ups roll the canary back,
tool calls and cached prompt tokens are counted per bundle."""
import json
import re
import sqlite3
import threading
import uuid

import httpx
import pytest

from fleet import FAST, abort_rollout, default_weights, running_fleet, start_rollout, wait_for

# Tier 0's error-rate rules are switched off so that only the LLM signals can act; a short cooldown and an
# open breaker threshold let each test roll back on its own.
POLICY = ("tier0: {burn_threshold: 1000, critical_ratio: 1000}\n"
          "llm: {minimum_requests: 20}\n"
          "guards: {cooldown: 1s, breaker_threshold: 100, incident_freeze: off}\n")

TOOLS = [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object", "properties": {}}}}]


@pytest.fixture(scope="module")
def fleet():
    yield from running_fleet(policy=POLICY)


@pytest.fixture(autouse=True)
def baseline(fleet):
    for version in fleet.backends:
        fleet.set_profile(version, **FAST, tool_call_rate=0, prompt_cache=False)
    fleet.route("support-assistant@1.0.0=100%")
    yield
    abort_rollout(fleet)


def conversation(rounds):
    """A chat `rounds` tool-call rounds deep since the user's question: what an agent in a loop sends."""
    messages = [{"role": "user", "content": "where is my order?"}]
    for index in range(rounds):
        call = {"id": f"call_{index}", "type": "function", "function": {"name": "lookup", "arguments": "{}"}}
        messages += [{"role": "assistant", "content": None, "tool_calls": [call]},
                     {"role": "tool", "tool_call_id": f"call_{index}", "content": "{\"status\": \"unknown\"}"}]
    return messages


def send_until(fleet, condition, body, what, timeout=40):
    """Sends `body` from four clients until `condition()` holds."""
    stop = threading.Event()

    def traffic():
        with httpx.Client(timeout=10) as http:
            while not stop.is_set():
                http.post(fleet.url + "/v1/chat/completions", json=body)
    workers = [threading.Thread(target=traffic) for _ in range(4)]
    for worker in workers:
        worker.start()
    try:
        wait_for(condition, timeout, what)
    finally:
        stop.set()
        for worker in workers:
            worker.join()


def metric(fleet, name, bundle):
    """The sum of a Prometheus counter over a bundle's series."""
    text = httpx.get(fleet.admin + "/metrics").text
    pattern = re.compile(rf'^switchyard_{name}\{{[^}}]*bundle="{re.escape(bundle)}"[^}}]*\}} (\S+)$', re.M)
    return sum(float(value) for value in pattern.findall(text))


def rollbacks(fleet):
    """The rollbacks started so far (a drain's later stages are journaled under the same kind; they are left out)."""
    return [e for e in json.loads(fleet.cli("history", "--kind", "rollback", "--json")) if e["kind"] == "rollback.start"]


def test_a_tool_loop_on_the_canary_rolls_it_back(fleet):
    fleet.set_profile("2.0.0", tool_call_rate=1.0)
    fleet.set_profile("1.0.0", tool_call_rate=0.2)
    before = len(rollbacks(fleet))
    start_rollout(fleet, "name: loop\nsteps:\n  - setWeight: 50\n  - pause: until_promoted\n")
    # Eight rounds already: the canary's ninth tool call passes the default maximum depth of 8.
    send_until(fleet, lambda: default_weights(fleet) == {"support-assistant@1.0.0": 10000},
               {"model": "support-assistant", "messages": conversation(8), "tools": TOOLS},
               "the looping canary was not rolled back; rollout: " + fleet.cli("rollout", "status"))
    start = rollbacks(fleet)[before]
    assert start["kind"] == "rollback.start" and start["actor"] == "auto:tier0"
    assert "tool loop:" in start["reason"] and "past the maximum tool-call depth" in start["reason"]
    signals = [reading["signal"] for reading in start["payload"]["readings"]["detector"]["llm"]]
    assert "tool_loop" in signals
    assert metric(fleet, "tool_loops_total", "support-assistant@2.0.0") >= 3
    assert metric(fleet, "tool_loops_total", "support-assistant@1.0.0") > 0, "the baseline loops too, but far less often"


def test_a_cost_blowup_on_the_canary_rolls_it_back(fleet):
    # 1.1.0, not 2.0.0: the windows still hold 2.0.0's tool loops from the test above, and would rightly judge it by them.
    fleet.set_profile("1.1.0", output_tokens=400)
    before = len(rollbacks(fleet))
    plan = fleet.dir / "dear.yaml"
    plan.write_text("name: dear\nsteps:\n  - setWeight: 50\n  - pause: until_promoted\n")
    fleet.cli("rollout", "start", "support-assistant@1.1.0", "--plan", str(plan), "--reason", "e2e")
    send_until(fleet, lambda: default_weights(fleet) == {"support-assistant@1.0.0": 10000},
               {"model": "support-assistant", "messages": [{"role": "user", "content": "hi"}]},
               "the expensive canary was not rolled back; rollout: " + fleet.cli("rollout", "status"))
    start = rollbacks(fleet)[before]
    assert start["actor"] == "auto:tier0" and "cost blow-up:" in start["reason"]
    assert metric(fleet, "cost_usd_total", "support-assistant@1.1.0") > 0


def test_tool_calls_and_cached_tokens_are_counted_per_bundle(fleet):
    fleet.set_profile("1.0.0", tool_call_rate=1.0, prompt_cache=True)
    client = fleet.client()
    calls_before = metric(fleet, "tool_calls_total", "support-assistant@1.0.0")
    answer = client.chat.completions.create(model="support-assistant", tools=TOOLS,
                                            messages=[{"role": "user", "content": "where is my order?"}])
    assert answer.choices[0].finish_reason == "tool_calls"
    assert answer.choices[0].message.tool_calls[0].function.name == "lookup"
    streamed = client.chat.completions.create(model="support-assistant", tools=TOOLS, stream=True,
                                              messages=[{"role": "user", "content": "where is my order?"}])
    calls = [call for chunk in streamed for choice in chunk.choices for call in (choice.delta.tool_calls or [])]
    assert calls and calls[0].function.name == "lookup"
    wait_for(lambda: metric(fleet, "tool_calls_total", "support-assistant@1.0.0") == calls_before + 2, 5,
             "the two tool calls (one whole, one streamed) were not counted")

    session = str(uuid.uuid4())
    cached_before = metric(fleet, "cached_input_tokens_total", "support-assistant@1.0.0")
    for _ in range(2):
        first = client.chat.completions.create(model="support-assistant", messages=[{"role": "user", "content": "hello there"}],
                                               extra_headers={"x-session-id": session})
    assert first.usage.prompt_tokens_details.cached_tokens > 0, "the second request with the same session hit the backend's cache"
    wait_for(lambda: metric(fleet, "cached_input_tokens_total", "support-assistant@1.0.0") > cached_before, 5,
             "cached tokens were not counted")
    wait_for(lambda: (observed(fleet, "support-assistant@1.0.0", "cache_hit_rate") or 0) > 0, 5,
             "the router's observation of 1.0.0 (what the console shows) has no cache hit rate")
    assert observed(fleet, "support-assistant@2.0.0", "cache_hit_rate") is None, "2.0.0's backend reports no cached tokens"


def observed(fleet, bundle, field):
    """A field of the router's latest observation of `bundle`, as serve stores it for the console."""
    with sqlite3.connect(f"file:{fleet.state}/switchyard.sqlite?mode=ro", uri=True) as db:
        for (text,) in db.execute("SELECT observation FROM observations"):
            seen = json.loads(text)
            ref = seen["bundle"]
            if (ref if isinstance(ref, str) else f"{ref['name']}@{ref['version']}") == bundle:
                return seen.get(field)
    return None
