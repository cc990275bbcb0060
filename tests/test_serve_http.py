"""`dossier serve` over HTTP: what is served, what never is (RELIABILITY rows 1 and 2)."""
from __future__ import annotations

import os
import signal
import socket
import time

import pytest

from test_serve_support import (  # noqa: F401  (serve_process is a fixture)
    REPO, copy_example, free_port, get, non_loopback_ipv4, raw_request, running, serve_process, wait_until,
)

SECRET = "TOPSECRET-beside-the-site"
CONFIG_MARK = "config-marker-5b1e"
SOURCE_MARK = "source-marker-77c2"
PREFIX = "/panjshir/"


@pytest.fixture
def prefixed_site(tmp_path):
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    (root / "content" / "people").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text(SECRET + "\n")
    (root / "dossier.yaml").write_text(
        f"# {CONFIG_MARK}\ntitle: Prefixed\nbase_url: https://example.org/panjshir/\n", encoding="utf-8")
    (root / "content" / "articles" / "interview.md").write_text(
        f"---\n# {SOURCE_MARK}\ntitle: The interview\ndate: 2021-08-22\npeople: [Ahmad Massoud]\n---\n"
        "We spoke to [[Ahmad Massoud]].\n", encoding="utf-8")
    (root / "content" / "people" / "ahmad-massoud.md").write_text(
        "---\ntitle: Ahmad Massoud\n---\nSon of the commander.\n", encoding="utf-8")
    (root / "static").mkdir()
    (root / "static" / "نقشه پنجشیر.txt").write_text("متن\n", encoding="utf-8")  # a non-ASCII file name
    return root


@pytest.fixture
def prefixed(prefixed_site):
    with running(prefixed_site, watch=False) as dev:
        yield dev


def _refused(r, *markers: str) -> None:
    assert r.status in (400, 403, 404), (r.status, r.headers)
    for m in markers:
        assert m not in r.text
    loc = r.headers.get("location")
    if loc is not None:  # the only redirect we make is local
        assert loc.startswith("/") and not loc.startswith("//") and not loc.startswith("/\\"), loc


def test_serves_the_output_under_the_base_url_prefix(prefixed):
    port = prefixed.port
    home = get(port, PREFIX)
    assert home.status == 200 and "Prefixed" in home.text
    assert home.headers["content-type"] == "text/html; charset=utf-8"
    page = get(port, PREFIX + "articles/interview/")
    assert page.status == 200 and "We spoke to" in page.text
    assert page.text.count("/__dossier/client.js") == 1
    assert page.text.index("/__dossier/client.js") < page.text.rindex("</body>")
    r = get(port, PREFIX + "articles/interview")
    assert (r.status, r.headers["location"]) == (302, PREFIX + "articles/interview/")
    r = get(port, "/")
    assert (r.status, r.headers["location"]) == (302, PREFIX)
    r = get(port, "/panjshir")
    assert (r.status, r.headers["location"]) == (302, PREFIX)
    assert get(port, "/articles/interview/").status == 404  # not without the prefix
    css = get(port, PREFIX + "static/style.css")
    assert css.status == 200 and css.headers["content-type"].startswith("text/css")
    assert b"__dossier" not in css.body  # only HTML gets the script
    feed = get(port, PREFIX + "events.json")
    assert feed.status == 200 and b"__dossier" not in feed.body
    head = raw_request(port, PREFIX, method="HEAD")
    assert head.status == 200 and head.body == b"" and int(head.headers["content-length"]) > 0
    assert get(port, "/__dossier/client.js").headers["content-type"].startswith("text/javascript")


def test_serves_unicode_urls(prefixed):
    from urllib.parse import quote

    r = get(prefixed.port, quote(PREFIX + "static/نقشه پنجشیر.txt"))
    assert r.status == 200, r.status
    assert "متن" in r.text


def test_missing_pages_get_the_404_page_with_status_404(prefixed):
    r = get(prefixed.port, PREFIX + "no/such/page/")
    assert r.status == 404
    assert "Page not found" in r.text  # the theme's 404.html
    assert 'data-status="404"' in r.text  # and the live-reload script, which reloads it on any change


def test_nothing_is_injected_into_the_output_folder(prefixed):
    for path in ("", "articles/interview/", "no/such/"):
        get(prefixed.port, PREFIX + path)
    for p in prefixed.output.rglob("*"):
        if p.is_file():
            assert b"__dossier" not in p.read_bytes(), p


def _traversals():
    ups = ["../", "..%2f", "..%2F", "%2e%2e/", "%2E%2E%2F", "%2e%2e%2f", ".%2e/", "%2e./", "..%5c", "..\\",
           "%252e%252e%252f", "%252e%252e/", "..%252f", "%c0%ae%c0%ae/", "..;/", "%2e%2e%5c", ".../"]
    targets = ["secret.txt", "site/dossier.yaml", "dossier.yaml", "site/content/articles/interview.md",
               "content/articles/interview.md", "etc/passwd"]
    for depth in range(1, 9):
        for up in ups:
            for target in targets:
                yield f"{PREFIX}{up * depth}{target}"
                yield f"/{up * depth}{target}"


def test_path_traversal_is_refused_in_every_encoding(prefixed):
    port = prefixed.port
    passwd = "root:x:0:0"
    n = 0
    for target in _traversals():
        _refused(raw_request(port, target), SECRET, CONFIG_MARK, SOURCE_MARK, passwd)
        n += 1
    assert n > 1500
    odd = ["//etc/passwd", "///etc/passwd", "//evil.example/", "//evil.example/..", "//evil.example/%2e%2e",
           "//evil.example/%2f..", "/\\evil.example/", f"{PREFIX}/etc/passwd", f"{PREFIX}%2fetc%2fpasswd",
           f"{PREFIX}%5cetc%5cpasswd", f"{PREFIX}\\..\\..\\secret.txt", f"{PREFIX}%00", f"{PREFIX}index.html%00.md",
           f"{PREFIX}./", f"{PREFIX}.", f"{PREFIX}articles/./interview/", f"{PREFIX}.dossier-build",
           "/etc/passwd", "/dossier.yaml", "/content/articles/interview.md", f"{PREFIX}content/articles/interview.md",
           f"{PREFIX}dossier.yaml", f"{PREFIX}C:/Windows/win.ini", f"{PREFIX}index.html::$DATA",
           "../../etc/passwd", "..%2f..%2fetc%2fpasswd", "http://evil.example/", "*",
           f"{PREFIX}?../../secret.txt", f"{PREFIX}articles/interview/..%2f..%2f..%2f..%2fsecret.txt"]
    for target in odd:
        r = raw_request(port, target)
        if target.startswith(f"{PREFIX}?"):  # the query is ignored: this is the home page
            assert r.status == 200 and SECRET not in r.text
            continue
        _refused(r, SECRET, CONFIG_MARK, SOURCE_MARK, passwd)
    # //host never turns into an off-site redirect, whatever follows it
    for target in ("//evil.example", "//evil.example/", "//evil.example/articles", f"//evil.example{PREFIX}articles/interview"):
        r = raw_request(port, target)
        assert not r.headers.get("location", "/").startswith("//"), (target, r.headers)


def test_symlinks_inside_the_output_pointing_out_are_not_followed(prefixed, tmp_path):
    out = prefixed.output
    os.symlink(tmp_path / "secret.txt", out / "leak.txt")
    os.symlink("/etc", out / "etcdir")
    os.symlink(prefixed.root, out / "sourcedir")
    os.symlink(out / "index.html", out / "inside.html")  # a link within the output is fine
    for target in ("leak.txt", "etcdir/passwd", "sourcedir/dossier.yaml", "sourcedir/content/articles/interview.md",
                   "etcdir/", "sourcedir/"):
        _refused(raw_request(prefixed.port, PREFIX + target), SECRET, CONFIG_MARK, SOURCE_MARK, "root:x:0:0")
    assert get(prefixed.port, PREFIX + "inside.html").status == 200


def test_requests_for_other_host_names_are_refused_when_bound_to_loopback(prefixed):
    port = prefixed.port
    assert raw_request(port, PREFIX, host_header="evil.example").status == 403  # DNS rebinding
    assert raw_request(port, PREFIX, host_header=f"evil.example:{port}").status == 403
    for ok in (f"localhost:{port}", f"127.0.0.1:{port}", "[::1]", "dossier.localhost", "localhost"):
        assert raw_request(port, PREFIX, host_header=ok).status == 200, ok


def test_binds_loopback_by_default_and_exposure_is_said_out_loud(tmp_path, serve_process):
    site = copy_example(tmp_path / "site")
    ip = non_loopback_ipv4()
    port = free_port()
    default = serve_process("--source", str(site), "--port", str(port))
    assert default.url() == f"http://127.0.0.1:{port}/"
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass
    if ip is None:
        pytest.skip("this machine has no non-loopback IPv4 address: only the loopback half was checked")
    with pytest.raises(OSError):  # refused: nothing listens on the LAN address
        socket.create_connection((ip, port), timeout=3).close()
    assert "other machines" not in default.stderr
    assert default.interrupt() == 0

    # control: asked for, it is reachable on that address, with a warning
    port2 = free_port()
    exposed = serve_process("--source", str(site), "--port", str(port2), "--host", "0.0.0.0")
    exposed.url()
    assert "other machines can reach" in exposed.stderr
    r = raw_request(port2, "/", host=ip, host_header=f"{ip}:{port2}")
    assert r.status == 200
    assert exposed.interrupt() == 0


def test_an_explicit_port_in_use_is_a_clear_error(tmp_path, serve_process):
    site = copy_example(tmp_path / "site")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        proc = serve_process("--source", str(site), "--port", str(port))
        code = proc.proc.wait(timeout=30)
        proc.interrupt()
    assert code == 2
    assert f"port {port} on 127.0.0.1 is already in use" in proc.stderr
    assert "--port" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_default_port_in_use_moves_to_the_next_and_says_so(tmp_path, serve_process):
    site = copy_example(tmp_path / "site")
    code = ("import sys; import dossier.serve as s; s.DEFAULT_PORT = int(sys.argv[1]); "
            "from dossier.cli import main; sys.exit(main(['serve', '--source', sys.argv[2]]))")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        proc = serve_process(str(port), str(site), code=code)
        url = proc.url()
        moved = int(url.split(":")[2].split("/")[0])
        assert moved != port and port < moved <= port + 20
        assert f"port {port} is in use; serving on port {moved} instead" in proc.stderr
        assert get(moved, "/").status == 200
        assert proc.interrupt() == 0


def test_ctrl_c_stops_cleanly(tmp_path, serve_process):
    site = copy_example(tmp_path / "site")
    port = free_port()
    proc = serve_process("--source", str(site), "--port", str(port))
    proc.url()
    # an open event stream and an edit in flight must not keep it alive or print a traceback
    stream = socket.create_connection(("127.0.0.1", port), timeout=5)
    stream.sendall(b"GET /__dossier/events HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
    got = b""
    while b"event: hello" not in got:
        chunk = stream.recv(4096)
        assert chunk, got
        got += chunk
    article = site / "content" / "articles" / "panjshir-interview-summary.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    time.sleep(0.3)
    t = time.monotonic()
    proc.proc.send_signal(signal.SIGINT)  # one Ctrl-C (interrupt() would send a second one if still running:
    assert proc.proc.wait(timeout=10) == 0  # under load that one landed in the shutdown and exited with 130)
    assert time.monotonic() - t < 10
    assert proc.interrupt(timeout=10) == 0  # (it has exited: this only collects its output)
    rest = b""
    while chunk := stream.recv(4096):  # the server closes the stream (after any last event)
        rest += chunk
    stream.close()
    assert "Traceback" not in proc.stderr and "KeyboardInterrupt" not in proc.stderr
    assert "stopped" in proc.stdout
    with socket.socket() as s:  # the port is free again
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
    assert not [p for p in site.iterdir() if ".tmp-" in p.name or ".old-" in p.name]


def test_sigterm_stops_cleanly_too(tmp_path, serve_process):
    site = copy_example(tmp_path / "site")
    proc = serve_process("--source", str(site), "--port", str(free_port()))
    proc.url()
    proc.proc.send_signal(signal.SIGTERM)
    assert proc.proc.wait(timeout=10) == 0
    wait_until(lambda: "stopped" in proc.stdout, 5)
    assert "Traceback" not in proc.stderr


def test_an_output_folder_that_is_refused_stops_serve_before_it_starts(tmp_path, serve_process):
    site = copy_example(tmp_path / "site")
    proc = serve_process("--source", str(site), "--output", str(site / "content" / "out"), "--port", str(free_port()))
    assert proc.proc.wait(timeout=30) == 2
    proc.interrupt()
    assert "cannot be inside content/" in proc.stderr
    assert not (site / "content" / "out").exists()
