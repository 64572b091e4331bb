"""The built site (`make docs` -> site/) in headless Chromium, served from 127.0.0.1: every page loads without a
console error and asks nothing of another host (it works offline), every <img> decodes, every internal link and
anchor resolves, and the search page finds "Grad-CAM"."""

import functools
import hashlib
import http.server
import shutil
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from cdp import Browser, problems
from locations import REPO

pytestmark = pytest.mark.docs
SITE = REPO / "site"
IMAGES = "[...document.images].map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0])"


def pages() -> list[Path]:
    if not (SITE / "index.html").is_file():
        pytest.fail("no built site in site/: run `make docs` (it builds the site, then runs this test)")
    return sorted(path for path in SITE.rglob("*.html") if "_static" not in path.parts and "_sources" not in path.parts)


@pytest.fixture(scope="module")
def served():
    """An HTTP server on 127.0.0.1 for whatever folder `served.root` names (the site by default): its base URL."""
    state = {"root": SITE}

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(state["root"]), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def serve(root: Path) -> str:
        state["root"] = root
        return f"http://127.0.0.1:{server.server_port}/"

    yield serve
    server.shutdown()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        pytest.skip("no Chromium here (apt-get install chromium; .ci/run installs it when it can)")
    browser = Browser(chromium, str(tmp_path_factory.mktemp("chromium-profile")))
    yield browser
    browser.close()


def check_page(browser: Browser, url: str) -> dict:
    """Open `url`: its console errors, the requests to any host but 127.0.0.1, and its images that did not decode."""
    seen = problems(browser.open(url))
    images = browser.evaluate(IMAGES)
    remote = [r for r in seen["requests"] if urlsplit(r).scheme not in ("data", "blob") and urlsplit(r).hostname != "127.0.0.1"]
    errors = [e for e in seen["errors"] if not e.endswith("/favicon.ico)")]  # the browser's own guess; the site names none
    return {"errors": errors, "remote": remote, "broken": [src for src, ok in images if not ok], "images": [src for src, _ in images]}


def test_the_check_sees_errors_broken_images_and_remote_requests(browser, served, tmp_path):
    """A page with each defect: the check reports each (so a clean result means something)."""
    (tmp_path / "bad.html").write_text("<html><body><img src='missing.png'><script>console.error('boom')</script>"
                                       "<script src='https://cdn.example.org/x.js'></script></body></html>")
    seen = check_page(browser, served(tmp_path) + "bad.html")
    assert seen["broken"] == ["missing.png"] and seen["images"] == ["missing.png"]
    assert seen["remote"] == ["https://cdn.example.org/x.js"]
    assert any("boom" in error for error in seen["errors"])


def test_every_page_loads_offline_without_error_and_every_image_decodes(browser, served):
    """... and every figure committed under docs/ is shown on some page (matched by content: Sphinx renames copies)."""
    base, failures, shown = served(SITE), {}, set()
    for page in pages():
        seen = check_page(browser, base + page.relative_to(SITE).as_posix())
        shown |= {(page.parent / unquote(src)).resolve() for src in seen["images"] if not urlsplit(src).scheme}
        if seen["errors"] or seen["remote"] or seen["broken"]:
            failures[page.relative_to(SITE).as_posix()] = {k: seen[k] for k in ("errors", "remote", "broken") if seen[k]}
    assert failures == {}
    digest = lambda path: hashlib.sha256(path.read_bytes()).hexdigest()  # noqa: E731
    on_pages = {digest(path) for path in shown if path.is_file()}
    committed = [p for p in (REPO / "docs").rglob("*") if p.suffix in (".png", ".gif") and "_build" not in p.parts]
    assert [p.relative_to(REPO).as_posix() for p in committed if digest(p) not in on_pages] == []


class Anchors(HTMLParser):
    """The ids (and a names) of a page, and the href of each of its links."""

    def __init__(self) -> None:
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        self.ids.update(filter(None, (attrs.get("id"), attrs.get("name") if tag == "a" else None)))
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


@functools.cache
def parsed(path: Path) -> Anchors:
    anchors = Anchors()
    anchors.feed(path.read_text())
    return anchors


def test_every_internal_link_and_anchor_resolves():
    broken, count = [], 0
    for page in pages():
        for href in parsed(page).links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue  # another site: linked, never loaded (the page check sees every request)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            count += 1
            if not target.is_file():
                broken.append(f"{page.relative_to(SITE)}: {href} (no such file)")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in parsed(target).ids:
                broken.append(f"{page.relative_to(SITE)}: {href} (no such anchor)")
    assert broken == []
    assert count > 1000  # navigation, tables of contents, cross-references


def test_search_finds_gradcam(browser, served):
    """Sphinx's search page, given "Grad-CAM", lists the pages on it (searchindex.js, run in the browser)."""
    seen = check_page(browser, served(SITE) + "search.html?q=Grad-CAM")
    # Sphinx lists the hits one by one, then says "Search finished, found N pages matching the search query."
    found = browser.evaluate("""new Promise(done => { let tries = 0; const poll = () => {
        const summary = document.querySelector("#search-results .search-summary");
        if ((summary && summary.textContent.includes("finished")) || ++tries > 300)
          done([...document.querySelectorAll("#search-results li a")].map(a => a.getAttribute("href").split("#")[0]));
        else setTimeout(poll, 100); }; poll(); })""")
    assert seen["errors"] == [] and seen["remote"] == []
    assert {"visualization.html", "pytorch.html", "results/visualization.html", "cli.html"} <= set(found), found


def test_cli_page_has_every_command():
    """The command-line page is generated from jaxdl.cli's parsers: a section per command, holding its --help."""
    from jaxdl.cli import build_parser, parsers

    page = parsed(SITE / "cli.html")
    progs = [parser.prog for parser in parsers(build_parser())]
    assert len(progs) >= 15
    assert [prog for prog in progs if prog.replace(" ", "-") not in page.ids] == []
    assert (SITE / "cli.html").read_text().count("show this help message and exit") == len(progs)
