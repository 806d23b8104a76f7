"""Faults on loopback for the end-to-end fault tests: a port in front of a real server whose fault can be switched.

:class:`FaultyPort` listens on a free loopback port and relays every connection to a real
server (PostgreSQL, Redis); a test switches it to

- ``closed``: nothing listens any more (connections refused) and open connections are cut;
- ``hang``: connections are accepted and never answered, open ones stop receiving anything
  (a server that froze: the kernel still answers, keepalives included);
- ``forward``: back to normal (held connections are closed, paused ones go on).

Also the REST client the fault tests use, with the time each answer took.
"""

from __future__ import annotations

import contextlib
import json
import select
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.e2e.servers import free_port

FORWARD, CLOSED, HANG = "forward", "closed", "hang"


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused)."""
    return free_port()


class FaultyPort:
    """See the module docstring. Threads only; :meth:`close` stops everything."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.mode = FORWARD
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._pairs: set[tuple[socket.socket, socket.socket]] = set()
        self._held: list[socket.socket] = []
        self._stopped = threading.Event()
        self._listen()
        self._acceptor = threading.Thread(target=self._accept_forever, name=f"faulty-port-{self.port}", daemon=True)
        self._acceptor.start()

    # -- switching --

    def set(self, mode: str) -> None:
        assert mode in (FORWARD, CLOSED, HANG), mode
        with self._lock:
            previous, self.mode = self.mode, mode
            if mode == CLOSED:
                self._unlisten()
                self._cut_all()
            elif previous == CLOSED:
                self._listen()
            if mode != HANG:
                held, self._held = self._held, []
                for sock in held:
                    _close(sock)

    def close(self) -> None:
        self._stopped.set()
        with self._lock:
            self._unlisten()
            self._cut_all()
            for sock in self._held:
                _close(sock)
            self._held = []

    # -- internals --

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        listener.settimeout(0.2)
        self._listener = listener

    def _unlisten(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            _close(listener)

    def _cut_all(self) -> None:
        pairs, self._pairs = self._pairs, set()
        for client, upstream in pairs:
            _close(client)
            _close(upstream)

    def _accept_forever(self) -> None:
        while not self._stopped.is_set():
            listener = self._listener
            if listener is None:
                time.sleep(0.05)
                continue
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                time.sleep(0.05)
                continue
            client.settimeout(None)
            with self._lock:
                if self.mode == HANG:
                    self._held.append(client)  # accepted, never answered
                    continue
                if self.mode == CLOSED:
                    _close(client)
                    continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._pairs.add((client, upstream))
            threading.Thread(target=self._relay, args=(client, upstream), daemon=True).start()

    def _relay(self, client: socket.socket, upstream: socket.socket) -> None:
        other = {client: upstream, upstream: client}
        try:
            while not self._stopped.is_set():
                if self.mode == HANG:
                    time.sleep(0.1)  # bytes wait in the kernel's buffers: a frozen server
                    continue
                readable, _, _ = select.select([client, upstream], [], [], 0.2)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    other[sock].sendall(data)
        except (OSError, ValueError):
            return
        finally:
            with self._lock:
                self._pairs.discard((client, upstream))
            _close(client)
            _close(upstream)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


# --- clients ---------------------------------------------------------------------------------------------


def post_chat(base: str, body: bytes, timeout: float = 60) -> tuple[int, Any, float]:
    """(status, decoded JSON body or raw text, seconds) of one POST to the REST channel."""
    request = urllib.request.Request(
        f"{base}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            status, payload = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    elapsed = time.monotonic() - started
    try:
        return status, json.loads(payload), elapsed
    except ValueError:
        return status, payload.decode("utf-8", "replace"), elapsed


class Chat:
    """One chat conversation; ``last`` is (status, texts, seconds) of the latest turn."""

    def __init__(self, base: str, sender: str) -> None:
        self.base, self.sender = base, sender
        self.heard: list[str] = []
        self.last: tuple[int, list[str], float] = (0, [], 0.0)

    def say(self, text: str, timeout: float = 60) -> tuple[int, list[str], float]:
        status, body, elapsed = post_chat(
            self.base, json.dumps({"sender": self.sender, "message": text}).encode(), timeout
        )
        texts = [str(m.get("text") or "") for m in body if isinstance(m, dict)] if isinstance(body, list) else []
        self.heard.extend(texts)
        self.last = (status, texts, elapsed)
        return self.last


def vm_rss_kb(pid: int) -> int:
    """Resident memory of a process and its children (kB), from /proc."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(child) for child in children.read_text().split()]
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total
