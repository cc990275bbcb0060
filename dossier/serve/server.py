"""The HTTP side of ``dossier serve``: static files, the live-reload stream, the client script.

Every request is treated as hostile (the threat model Vite writes down):

* only ``GET``/``HEAD`` of an origin-form path (``/...``); anything else is 400/501;
* encoded separators (``%2f``, ``%5c``, ``%00``) are refused outright, as Apache does;
* the path is percent-decoded exactly once; a result holding ``\\``, NUL or other
  control characters, ``%xx`` (double encoding), ``:``, an empty, ``.`` or ``..``
  segment, or a hidden segment (other than ``.well-known``) is refused with the
  404 page; so are paths outside the ``base_url`` prefix;
* the file's real path (symlinks resolved) must lie inside the output folder;
* the only redirect is "add the trailing slash to a folder", built from the
  checked segments, so it always starts with a single ``/`` (no open redirect);
* when bound to a loopback address, requests naming another host in ``Host:``
  are refused (a DNS-rebinding page cannot read the preview).

HTML responses get ``<script src="/__dossier/client.js">`` before ``</body>``;
nothing is ever written into the output folder.
"""
from __future__ import annotations

import errno
import io
import ipaddress
import json
import mimetypes
import os
import queue
import re
import select
import socket
import threading
import time
import unicodedata
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import quote, unquote

CLIENT_JS = Path(__file__).resolve().parent / "client.js"
ENDPOINT = "/__dossier/"
EVENTS_PATH = ENDPOINT + "events"
CLIENT_PATH = ENDPOINT + "client.js"
HEARTBEAT = 15.0
HEADER_DEADLINE = 10.0  # seconds a client has to send its whole request head (slow or trickling: closed)
IDLE_TIMEOUT = 30.0  # seconds a response may wait for a client that does not read it
GONE_CHECK = 1.0  # how often a live-reload stream looks whether its browser went away

_TYPES = {
    ".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".mjs": "text/javascript",
    ".json": "application/json", ".geojson": "application/geo+json", ".xml": "application/xml",
    ".svg": "image/svg+xml", ".txt": "text/plain", ".csv": "text/csv", ".webmanifest": "application/manifest+json",
    ".woff2": "font/woff2", ".woff": "font/woff", ".ico": "image/x-icon", ".md": "text/plain",
}
_TEXT = ("text/", "application/json", "application/geo+json", "application/xml", "image/svg+xml",
         "application/manifest+json")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_ENCODED_SEPARATOR = re.compile(r"%(2f|5c|00)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

FALLBACK_404 = (b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Not found</title></head>"
                b"<body><h1>Not found</h1><p>There is no page at this address (or the site has not been built yet; "
                b"see the terminal).</p></body></html>")


def content_type(path: str) -> str:
    ext = os.path.splitext(path)[1].lower()
    ctype = _TYPES.get(ext) or mimetypes.guess_type(path)[0] or "application/octet-stream"
    if ctype.startswith(_TEXT):
        ctype += "; charset=utf-8"
    return ctype


@dataclass(frozen=True)
class Resolved:
    """What a request path means: a file to serve, a redirect, not found or a bad request."""

    kind: str  # "file", "redirect", "notfound", "bad"
    file: Path | None = None
    location: str | None = None


def resolve_request(raw: str, prefix: str, output: Path) -> Resolved:
    """Map a raw request target to a file under ``output`` (pure: no I/O but stat/realpath)."""
    decoded = _decode(raw)
    if isinstance(decoded, Resolved):
        return decoded
    if prefix != "/" and decoded in ("/", prefix.rstrip("/")):
        return Resolved("redirect", location=quote(prefix))
    if not decoded.startswith(prefix):
        return Resolved("notfound")
    rest = decoded[len(prefix):]
    trailing = rest == "" or rest.endswith("/")
    segments = _segments(rest, trailing)
    if segments is None:
        return Resolved("notfound")
    return _file(output, prefix, segments, trailing)


def _decode(raw: str) -> str | Resolved:
    """The request path, percent-decoded; a Resolved answer when it is refused."""
    if not raw.startswith("/") or raw.startswith("//"):
        return Resolved("bad" if not raw.startswith("/") else "notfound")
    path = raw.split("#", 1)[0].split("?", 1)[0]
    if _ENCODED_SEPARATOR.search(path):
        return Resolved("notfound")  # like Apache's AllowEncodedSlashes Off
    try:
        decoded = unquote(path, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return Resolved("bad")
    if "\\" in decoded or _CONTROL.search(decoded) or _PERCENT.search(decoded) or ":" in decoded:
        return Resolved("notfound")
    return decoded


def _segments(rest: str, trailing: bool) -> list[str] | None:
    """NFC path segments below the prefix; None when one is empty, a dot segment or hidden (but .well-known)."""
    segments = rest.split("/")
    if trailing:
        segments = segments[:-1]
    for seg in segments:
        if seg in ("", ".", "..") or (seg.startswith(".") and seg != ".well-known"):
            return None
    return [unicodedata.normalize("NFC", s) for s in segments]


def _file(output: Path, prefix: str, segments: list[str], trailing: bool) -> Resolved:
    root = os.path.realpath(output)
    candidate = os.path.join(root, *segments) if segments else root
    real = os.path.realpath(candidate)
    if not _inside(real, root):
        return Resolved("notfound")
    if os.path.isdir(real):
        if not trailing:
            return Resolved("redirect", location=quote(prefix + "/".join(segments) + "/"))
        real = os.path.realpath(os.path.join(real, "index.html"))
        if not _inside(real, root):
            return Resolved("notfound")
    elif trailing and segments:
        return Resolved("notfound")  # "/file.css/" is not a folder
    if not os.path.isfile(real):
        return Resolved("notfound")
    return Resolved("file", file=Path(real))


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def is_loopback_host(host: str) -> bool:
    """True when every address ``host`` resolves to is a loopback address."""
    if host in ("localhost", "") or host.endswith(".localhost"):
        return host != ""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0].split("%")[0]).is_loopback for i in infos)


def host_header_allowed(value: str | None) -> bool:
    """For a loopback-bound server: accept IP literals and localhost names only (no DNS rebinding)."""
    if not value:
        return True  # HTTP/1.0 clients may omit it
    host = value.strip()
    if host.startswith("["):
        host = host[1:host.find("]")] if "]" in host else host
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    host = host.rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def inject_client(data: bytes, attrs: dict[str, str]) -> bytes:
    """Insert the live-reload script before the last ``</body>`` (or at the end)."""
    attr_text = "".join(f' data-{k}="{_attr(v)}"' for k, v in attrs.items())
    tag = f'<script src="{CLIENT_PATH}"{attr_text}></script>'.encode()
    at = data.lower().rfind(b"</body>")
    if at < 0:
        return data + tag
    return data[:at] + tag + data[at:]


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


class Hub:
    """Server-sent-event subscribers: one queue per open stream."""

    def __init__(self):
        self._lock = threading.Lock()
        self._queues: set[queue.Queue] = set()
        self.closed = False

    def subscribe(self) -> queue.Queue:
        q: queue.Queue = queue.Queue()
        with self._lock:
            if self.closed:
                q.put(None)
            self._queues.add(q)
        return q

    def unsubscribe(self, q: queue.Queue) -> None:
        with self._lock:
            self._queues.discard(q)

    @property
    def count(self) -> int:
        with self._lock:
            return len(self._queues)

    def broadcast(self, event: str, data: dict) -> None:
        message = format_event(event, data)
        with self._lock:
            for q in self._queues:
                q.put(message)

    def close(self) -> None:
        with self._lock:
            self.closed = True
            for q in self._queues:
                q.put(None)


def format_event(event: str, data: dict) -> bytes:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"event: {event}\ndata: {body}\n\n".encode("utf-8")


class State:
    """What the request handlers need from the dev server (kept small, read under no lock)."""

    def __init__(self, output: Path, prefix: str = "/"):
        self.output = output
        self.prefix = prefix
        self.hub = Hub()
        self.token = ""  # changes with every build that changed the output
        self.navigate = True
        self.check_host = True
        self.hello: Callable[[], dict] = lambda: {"token": self.token, "error": None}
        self.wait_for_build: Callable[[float], None] = lambda timeout: None
        self.client_js: bytes | None = None

    def script(self) -> bytes:
        if self.client_js is None:
            self.client_js = CLIENT_JS.read_bytes()
        return self.client_js


class Handler(BaseHTTPRequestHandler):
    server_version = "dossier-serve"
    sys_version = ""
    protocol_version = "HTTP/1.0"
    state: State  # set on the subclass made by make_server

    timeout = IDLE_TIMEOUT  # socket timeout for every read and write (StreamRequestHandler.setup)

    def version_string(self) -> str:
        return self.server_version

    def setup(self) -> None:
        super().setup()
        self._reader = _DeadlineReader(self.connection, time.monotonic() + HEADER_DEADLINE)
        self.rfile = io.BufferedReader(self._reader)

    def parse_request(self) -> bool:
        ok = super().parse_request()
        self._reader.deadline = None  # the head is read: back to the per-operation timeout
        self.connection.settimeout(self.timeout)
        return ok

    def log_message(self, format, *args):  # quiet: the terminal is for build messages
        pass

    def do_HEAD(self):
        self._get(head=True)

    def do_GET(self):
        self._get(head=False)

    def _get(self, head: bool) -> None:
        state = self.state
        if state.check_host and not host_header_allowed(self.headers.get("Host")):
            return self._plain(HTTPStatus.FORBIDDEN, "Host not allowed: the preview answers to localhost and IP addresses only.\n", head)
        path = self.path.split("?", 1)[0]
        if path == EVENTS_PATH:
            return self._events()
        if path == CLIENT_PATH:
            return self._send(HTTPStatus.OK, state.script(), "text/javascript; charset=utf-8", head)
        resolved = resolve_request(self.path, state.prefix, state.output)
        if resolved.kind == "notfound":
            # the output folder is swapped whole at the end of a build: look again once it is done
            state.wait_for_build(2.0)
            resolved = resolve_request(self.path, state.prefix, state.output)
        if resolved.kind == "bad":
            return self._plain(HTTPStatus.BAD_REQUEST, "Bad request\n", head)
        if resolved.kind == "redirect":
            self.send_response(HTTPStatus.FOUND)  # not 301: browsers cache those for good
            self.send_header("Location", resolved.location)
            self.send_header("Content-Length", "0")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            return
        if resolved.kind == "file":
            try:
                data = resolved.file.read_bytes()
            except OSError:
                resolved = Resolved("notfound")
            else:
                ctype = content_type(resolved.file.name)
                if ctype.startswith("text/html"):
                    data = self._inject(data, 200)
                return self._send(HTTPStatus.OK, data, ctype, head)
        return self._not_found(head)

    def _not_found(self, head: bool) -> None:
        state = self.state
        data = FALLBACK_404
        page = resolve_request(state.prefix + "404.html", state.prefix, state.output)
        if page.kind == "file":
            try:
                data = page.file.read_bytes()
            except OSError:
                pass
        self._send(HTTPStatus.NOT_FOUND, self._inject(data, 404), "text/html; charset=utf-8", head)

    def _inject(self, data: bytes, status: int) -> bytes:
        state = self.state
        return inject_client(data, {"token": state.token, "status": str(status),
                                    "navigate": "1" if state.navigate else "0", "events": EVENTS_PATH})

    def _plain(self, status: HTTPStatus, text: str, head: bool) -> None:
        self._send(status, text.encode(), "text/plain; charset=utf-8", head)

    def _send(self, status: HTTPStatus, data: bytes, ctype: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def _events(self) -> None:
        hub = self.state.hub
        q = hub.subscribe()
        self.close_connection = True
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Accel-Buffering", "no")
            self.end_headers()
            self.wfile.write(b"retry: 1000\n\n" + format_event("hello", self.state.hello()))
            self.wfile.flush()
            quiet = 0.0
            while True:
                try:
                    item = q.get(timeout=GONE_CHECK)
                except queue.Empty:
                    if _client_gone(self.connection):
                        break  # its thread ends now, not at the next failed heartbeat
                    quiet += GONE_CHECK
                    if quiet < HEARTBEAT:
                        continue
                    item = b": ping\n\n"
                if item is None:
                    break
                quiet = 0.0
                self.wfile.write(item)
                self.wfile.flush()
        except OSError:  # the browser went away
            pass
        finally:
            hub.unsubscribe(q)


def _client_gone(sock: socket.socket) -> bool:
    """The browser closed its end (readable with nothing to read), without blocking."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


class _DeadlineReader(io.RawIOBase):
    """The connection's input. Until the request head is read, every receive may only use what
    is left of one deadline, so a client trickling a byte at a time cannot hold its thread."""

    def __init__(self, sock: socket.socket, deadline: float):
        self._sock, self.deadline = sock, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("request head not received in time")
            self._sock.settimeout(left)
        return self._sock.recv_into(buffer)


class DevHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 512  # a burst of connections waits in the kernel, not refused

    def handle_error(self, request, client_address):  # a dropped connection is not worth a traceback
        pass


class PortInUse(Exception):
    def __init__(self, host: str, port: int, tried: int):
        super().__init__(f"port {port} on {host} is in use")
        self.host, self.port, self.tried = host, port, tried


def make_server(state: State, host: str, port: int, search: int = 0) -> DevHTTPServer:
    """Bind ``host:port`` (or, with ``search`` > 0, the next free port among the following ``search``)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    handler = type("BoundHandler", (Handler,), {"state": state})
    server_class = type("BoundServer", (DevHTTPServer,), {"address_family": family})
    last_error: OSError | None = None
    for candidate in range(port, port + 1 + max(0, search)) if port else [0]:
        try:
            return server_class((host, candidate), handler)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            last_error = exc
    raise PortInUse(host, port, search + 1) from last_error
