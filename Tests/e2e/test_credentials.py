"""Backend credentials: an upstream key named by a pool's api_key_env reaches the backend, and nothing else
ever holds it: not the state directory (database, WAL), the journal, the CLI, the admin endpoints, the
router's logs or the console's screen. A pool that would store a key is refused without echoing it."""
import urllib.request
import uuid

from console import Console
from fleet import Fleet, get_json, wait_for

KEY_VARIABLE = "SWITCHYARD_E2E_UPSTREAM_KEY"


def test_the_upstream_key_reaches_the_backend_and_nowhere_else(monkeypatch):
    secret = f"sk-e2e-{uuid.uuid4().hex}"
    monkeypatch.setenv(KEY_VARIABLE, secret)
    fleet = Fleet()
    console = None
    try:
        pool = fleet.dir / "pool-keyed.yaml"
        pool.write_text(f"bundle: support-assistant@1.0.0\nendpoints: [{fleet.backends['1.0.0']}]\n"
                        f"replicas: 1\nmax_concurrency: 16\napi_key_env: {KEY_VARIABLE}\n")
        fleet.cli("pool", "apply", str(pool), "--reason", "e2e: the backend now needs a key")
        client = fleet.client(tenant="acme", api_key="sk-acme-1")

        def backend_got_the_key():
            client.chat.completions.create(model="support-assistant", messages=[{"role": "user", "content": "hi"}])
            return any(r.get("header:authorization") == f"Bearer {secret}" for r in fleet.received("1.0.0"))
        wait_for(backend_got_the_key, 10, "the backend received the pool's key")
        assert all(r.get("header:authorization") != "Bearer sk-acme-1" for r in fleet.received("1.0.0")), \
            "the client's own key must never be forwarded upstream"

        console = Console("--readonly", state=fleet.state, width=160, height=48)
        console.wait_for("support-assistant@1.0.0")
        screens = {"console": console.screen()}
        console.keys("R")
        screens["console registry"] = console.wait_for("Registry")

        places = {
            "status --json": fleet.cli("status", "--json"),
            "pool show": fleet.cli("pool", "show"),
            "pool show --json": fleet.cli("pool", "show", "--json"),
            "history --json": fleet.cli("history", "--json"),
            "route show --json": fleet.cli("route", "show", "--json"),
            "admin /status": str(get_json(fleet.admin + "/status")),
            "admin /metrics": urlopen_text(fleet.admin + "/metrics"),
            **screens,
        }
        assert KEY_VARIABLE in places["pool show --json"], "the pool names its key's variable"
        for place, text in places.items():
            assert secret not in text, f"the upstream key appears in {place}"
        for path in fleet.state.rglob("*"):
            if path.is_file():
                assert secret.encode() not in path.read_bytes(), f"the upstream key is stored in {path.name}"
    finally:
        if console:
            console.stop()
        serve = fleet.serve
        fleet.stop()
    logs = serve.stdout.read()
    assert secret not in logs, "the upstream key appears in the router's log"


def test_a_pool_that_would_store_a_key_is_refused_without_echoing_it():
    fleet = Fleet()
    try:
        pool = fleet.dir / "pool-leaky.yaml"
        pool.write_text("bundle: support-assistant@1.0.0\nendpoints: [https://svc:sk-live-s3cr3t@models.internal/v1]\n"
                        "replicas: 1\nmax_concurrency: 16\napi_key_env: sk-live-0th3r\n")
        out = fleet.cli("pool", "apply", str(pool), "--reason", "e2e", expect=1)
        assert "pool-leaky.yaml:2" in out and "carries credentials" in out and "api_key_env" in out
        assert "sk-live-s3cr3t" not in out and "sk-live-0th3r" not in out
        assert "models.internal" not in fleet.cli("pool", "show", "--json"), "nothing was applied"
    finally:
        fleet.stop()


def urlopen_text(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()
