"""The router keeps backend connections alive between requests; a backend may close one at any moment (its own
keep-alive timeout), including just as the router sends the next request on it. That request never reached the
backend, so the router sends it again on a new connection and the client never sees the race."""
import json
import socket
import threading

import httpx

from fleet import Fleet, wait_for

REQUEST = {"model": "support-assistant", "messages": [{"role": "user", "content": "hi"}]}
ANSWER = json.dumps({"id": "x", "object": "chat.completion", "choices": [
    {"index": 0, "message": {"role": "assistant", "content": "hello"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 1, "completion_tokens": 1}}).encode()


class ClosingBackend:
    """Answers health checks always, and only the first chat completion of each connection: a second one on the
    same connection finds it closed, as if the backend's keep-alive timeout fired at that moment."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.answered = 0
        self.closed_on_reuse = 0
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(connection,), daemon=True).start()

    def serve(self, connection):
        completions = 0
        buffered = b""
        with connection:
            while True:
                while b"\r\n\r\n" not in buffered:
                    data = connection.recv(65536)
                    if not data:
                        return
                    buffered += data
                head, buffered = buffered.split(b"\r\n\r\n", 1)
                lines = head.decode().split("\r\n")
                length = next((int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:")), 0)
                while len(buffered) < length:
                    buffered += connection.recv(65536)
                buffered = buffered[length:]
                path = lines[0].split()[1]
                if path.startswith("/v1/chat/completions"):
                    completions += 1
                    if completions > 1:
                        self.closed_on_reuse += 1
                        return
                    self.answered += 1
                    body = ANSWER
                elif path == "/health":
                    body = b'{"status":"ok"}'
                else:
                    connection.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    continue
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: keep-alive\r\n"
                                   b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    def close(self):
        self.listener.close()


def test_a_kept_alive_connection_the_backend_closed_is_replaced_without_a_client_error():
    backend = ClosingBackend()
    fleet = Fleet()
    try:
        pool = fleet.dir / "closing-pool.yaml"
        pool.write_text(f"bundle: support-assistant@1.0.0\nendpoints: [{backend.url}]\nreplicas: 1\nmax_concurrency: 16\n")
        fleet.cli("pool", "apply", str(pool), "--reason", "a backend that closes reused connections")
        with httpx.Client(timeout=10) as http:
            ask = lambda: http.post(fleet.url + "/v1/chat/completions", json=REQUEST)
            # Until serve reloads, the old pool answers: wait for an answer from the closing backend itself.
            wait_for(lambda: ask().status_code == 200 and backend.answered > 0, 10, "the router to take the new pool")
            statuses = [ask().status_code for _ in range(10)]
        assert statuses == [200] * 10, statuses
        assert backend.closed_on_reuse >= 5, f"the router reused {backend.closed_on_reuse} closed connections; the race was not exercised"
        assert backend.answered >= 11
    finally:
        fleet.stop()
        backend.close()
