"""make bench-router: router overhead against nginx, measured in one run on one machine.

The same wrk load (a small chat completion) goes to a fake backend directly, through nginx proxy_pass with
upstream keepalive, and through `switchyard serve`, sequentially (1 connection) and at 32 connections.
Added latency is each proxy's latency minus the direct latency in the same mode. Ratios, not absolute
figures, are what to compare across machines.

The backend answers the same request in every run: Switchyard applies its bundle (system prompt, decoding
defaults), so the runs that do not go through it send the request as Switchyard forwards it, read back from the
fake backend. Otherwise the backend, which shares the machine's cores, would work harder only in Switchyard's run.
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from fleet import EXAMPLES, get_json, start  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / ".build" / "release" / "switchyard"
BARE_PROXY = ROOT / ".build" / "release" / "bare-proxy"
NIO_PROXY = ROOT / ".build" / "release" / "nio-bare-proxy"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
# Rounds of every target in turn; each figure is the median of its rounds, so that one slow stretch of this shared
# machine does not land on a single target.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
BODY = '{"model":"support-assistant","messages":[{"role":"user","content":"hi"}],"max_tokens":8}'
MODES = [("sequential", 1, 1), ("32 connections", 32, 2)]
LITELLM_MEDIAN_OVERHEAD_MS = 2.0  # the low end of LiteLLM's published 2-12 ms median proxy overhead


def ensure_tools():
    missing = [tool for tool in ("wrk", "nginx") if not shutil.which(tool) and not Path("/usr/sbin/" + tool).exists()]
    if missing:
        print(f"installing {' '.join(missing)} from Debian", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-qq", *(["nginx-light"] if "nginx" in missing else []),
                        *(["wrk"] if "wrk" in missing else [])], check=True, stdout=subprocess.DEVNULL)


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(state, *args):
    subprocess.run([str(BINARY), *args, "--state", str(state)], check=True, stdout=subprocess.DEVNULL)


def process_tree(pid):
    """`pid` and its children (nginx's workers)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return [pid, *children]


def cpu_seconds(pids):
    """User plus system CPU time the processes have used so far."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def machine_ticks():
    """(busy, total) clock ticks of all cores so far, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def wrk(url, connections, threads, script, pids):
    cpu_before = cpu_seconds(pids)
    busy_before, total_before = machine_ticks()
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{SECONDS}s", "--latency", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    def micros(label):
        value, unit = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 1, "ms": 1000, "s": 1_000_000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    busy_after, total_after = machine_ticks()
    return {"p50": micros("50"), "p99": micros("99"), "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "non2xx": int(errors.group(1)) if errors else 0, "cpu": (cpu_seconds(pids) - cpu_before) * 1e6 / max(requests, 1),
            "busy": 100 * (busy_after - busy_before) / max(total_after - total_before, 1)}


def wrk_script(path, body, headers):
    """A wrk script that POSTs `body` (JSON text) with `headers`."""
    lines = ["wrk.method = 'POST'", f"wrk.body = {lua_string(body)}", "wrk.headers['Content-Type'] = 'application/json'"]
    lines += [f"wrk.headers[{lua_string(name)}] = {lua_string(value)}" for name, value in headers.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def lua_string(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def forwarded_request(router_url, backend_port):
    """The body and Switchyard headers that the backend receives for the bench's request through `serve`."""
    request = urllib.request.Request(router_url + "/v1/chat/completions", data=BODY.encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200, answer.status
    seen = get_json(f"http://127.0.0.1:{backend_port}/control/requests")[-1]
    headers = {key.removeprefix("header:"): value for key, value in seen.items() if key.startswith("header:x-switchyard-")}
    return json.dumps(seen["body"], separators=(",", ":")), headers


def main():
    ensure_tools()
    for binary in (BINARY, BARE_PROXY, NIO_PROXY):
        if not binary.exists():
            sys.exit(f"{binary} is missing: run `make bench-router`, which builds both in release")
    work = Path(tempfile.mkdtemp(prefix="switchyard-bench-"))
    processes = []
    try:
        backend_port = free_port()
        backend, _ = start(["fake-backend", "--listen", f"127.0.0.1:{backend_port}", "--model", "acme/support-llm-8b",
                            "--revision", "a1b2c3d4e5f6"], r"listening on", binary=BINARY)
        processes.append(backend)
        subprocess.run(["curl", "-s", "-X", "PUT", f"http://127.0.0.1:{backend_port}/control/profile", "-d",
                        '{"ttft":{"p50_ms":0,"p99_ms":0},"tokens_per_second":1000000000,"output_tokens":8,"max_concurrency":4096}'],
                       check=True, stdout=subprocess.DEVNULL)
        state = work / "state"
        cli(state, "registry", "add", str(EXAMPLES / "support-assistant-1.0.0.yaml"))
        pool = work / "pool.yaml"
        pool.write_text(f"bundle: support-assistant@1.0.0\nendpoints: [http://127.0.0.1:{backend_port}]\nreplicas: 1\nmax_concurrency: 4096\n")
        cli(state, "pool", "apply", str(pool), "--reason", "bench")
        cli(state, "route", "set", "support-assistant@1.0.0=100%", "--reason", "bench")
        router, match = start(["serve", "--state", str(state), "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0"],
                              r"on (http://\S+) \(admin", binary=BINARY)
        processes.append(router)
        bare_port = free_port()
        bare = subprocess.Popen([str(BARE_PROXY), str(bare_port), f"http://127.0.0.1:{backend_port}"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(bare)
        nio_port = free_port()
        nio = subprocess.Popen([str(NIO_PROXY), str(nio_port), str(backend_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(nio)
        nginx_port = free_port()
        conf = work / "nginx.conf"
        conf.write_text(f"""
worker_processes auto; daemon off; pid {work}/nginx.pid; error_log {work}/nginx-error.log;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  upstream backend {{ server 127.0.0.1:{backend_port}; keepalive 128; }}
  server {{
    listen 127.0.0.1:{nginx_port};
    location / {{ proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }}
  }}
}}
""")
        nginx = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(work)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(nginx)
        time.sleep(1)
        client_script = wrk_script(work / "client.lua", BODY, {})
        # The backend must do the same work in every run, or the difference is the backend's, not the proxy's: the
        # runs that do not go through Switchyard send the request as Switchyard forwards it (the bundle applied).
        backend_script = wrk_script(work / "forwarded.lua", *forwarded_request(match.group(1), backend_port))
        targets = {"direct": f"http://127.0.0.1:{backend_port}/v1/chat/completions",
                   "nginx": f"http://127.0.0.1:{nginx_port}/v1/chat/completions",
                   "bare proxy": f"http://127.0.0.1:{bare_port}/v1/chat/completions",
                   "nio proxy": f"http://127.0.0.1:{nio_port}/v1/chat/completions",
                   "switchyard": match.group(1) + "/v1/chat/completions"}
        scripts = {name: client_script if name == "switchyard" else backend_script for name in targets}
        for name, target in targets.items():  # warm connections and code paths
            wrk_warm = subprocess.run(["wrk", "-t", "1", "-c", "4", "-d", "2s", "-s", str(scripts[name]), target], capture_output=True)
            assert wrk_warm.returncode == 0
        pids = {"direct": [backend.pid], "nginx": process_tree(nginx.pid), "bare proxy": [bare.pid], "nio proxy": [nio.pid],
                "switchyard": [router.pid]}
        rounds = [{(name, mode): wrk(url, conns, threads, scripts[name], pids[name])
                   for mode, conns, threads in MODES for name, url in targets.items()} for _ in range(ROUNDS)]
        results = {run: {figure: statistics.median(r[run][figure] for r in rounds) for figure in rounds[0][run]} for run in rounds[0]}
        report(results)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=15)
        shutil.rmtree(work, ignore_errors=True)


def report(results):
    print(f"\nrouter overhead, {SECONDS}s per run, median of {ROUNDS} rounds, wrk on the same {os.cpu_count()}-core machine (microseconds)\n")
    print(f"{'mode':<16}{'target':<12}{'p50':>9}{'p99':>9}{'added p50':>11}{'added p99':>11}{'req/s':>10}{'cpu us/req':>12}{'busy %':>8}{'non-2xx':>9}")
    for mode, _, _ in MODES:
        direct = results[("direct", mode)]
        for name in ("direct", "nginx", "bare proxy", "nio proxy", "switchyard"):
            r = results[(name, mode)]
            added = "" if name == "direct" else f"{r['p50'] - direct['p50']:>11.0f}{r['p99'] - direct['p99']:>11.0f}"
            print(f"{mode:<16}{name:<12}{r['p50']:>9.0f}{r['p99']:>9.0f}{added or ' ' * 22}{r['rps']:>10.0f}{r['cpu']:>12.0f}{r['busy']:>8.0f}{r['non2xx']:>9}")
    print("\ncpu us/req: CPU time the target process used (user + system; nginx with its workers) per request answered")
    print("busy %: how busy the machine's cores were during the run (wrk, backend and target together; /proc/stat)\n")
    for mode, _, _ in MODES:
        direct, nginx, ours = results[("direct", mode)], results[("nginx", mode)], results[("switchyard", mode)]
        bare, nio = results[("bare proxy", mode)], results[("nio proxy", mode)]
        added_nginx = max(nginx["p50"] - direct["p50"], 1.0)
        for name, measured in (("switchyard", ours), ("nio proxy", nio)):
            added = max(measured["p50"] - direct["p50"], 1.0)
            print(f"{mode}: {name}: added p50 / nginx's = {added / added_nginx:.2f} (target <= 1.5); "
                  f"throughput / nginx's = {measured['rps'] / nginx['rps']:.2f} (target >= 0.7); "
                  f"LiteLLM's 2 ms median / added p50 = {LITELLM_MEDIAN_OVERHEAD_MS * 1000 / added:.1f}x (target >= 10)")
        print(f"{mode}: the floor of the router's design, a pass-through on NIO channel pipelines, adds "
              f"{nio['p50'] - direct['p50']:.0f} us at p50 and {nio['cpu']:.0f} us of CPU per request; Switchyard's own work adds "
              f"{ours['p50'] - nio['p50']:.0f} us and {ours['cpu'] - nio['cpu']:.0f} us of CPU on top "
              f"(Hummingbird + async-http-client, the earlier design, adds {bare['p50'] - direct['p50']:.0f} us)")
    direct32 = results[("direct", "32 connections")]
    for name in ("switchyard", "nio proxy"):
        print(f"32 connections: {name}: added p99 = {(results[(name, '32 connections')]['p99'] - direct32['p99']) / 1000:.2f} ms (target <= 1 ms)")
    print("(nio proxy forwards requests and does nothing else: a target it misses, no router on these NIO HTTP/1 pipelines meets here)")


if __name__ == "__main__":
    main()
