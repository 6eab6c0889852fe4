"""The phone's page is ES modules: the service worker must hold every one of them, or the page
would not start offline."""

import re

from tests.support.live_server import ROOT

STATIC = ROOT / "fieldops" / "static"


def imported_modules(entry: str) -> set[str]:
    """Every module reachable from `entry` (a path under static/), by its static imports."""
    seen: set[str] = set()
    todo = [entry]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        text = (STATIC / path).read_text()
        for target in re.findall(r'^(?:import|export)\s[^;]*?from\s+"([^"]+)"', text, re.M | re.S):
            parts = (STATIC / path).parent.joinpath(target).resolve().relative_to(STATIC.resolve())
            todo.append(str(parts))
    return seen


def test_the_service_worker_caches_every_module_of_the_officer_page():
    shell = set(re.findall(r'"/static/([^"]+)"', (STATIC / "officer-sw.js").read_text()))
    modules = imported_modules("js/officer/index.js")
    assert "js/shared/stream.js" in modules and "js/shared/outbox.js" in modules
    assert modules - shell == set()


def test_the_officer_page_loads_its_entry_module(client):
    page = client.get("/officer").get_data(as_text=True)
    assert '<script type="module" src="/static/js/officer/index.js' in page
    assert "officer-kit.js" not in page
