"""Debian's chromium driven by Playwright (playwright cannot download browsers here)."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("FIELDOPS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def chromium_path() -> str:
    if os.path.exists(CHROMIUM) or shutil.which(CHROMIUM):
        return CHROMIUM
    message = f"chromium not found at {CHROMIUM}: `make test` installs Debian's chromium"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def phone_at(browser, lat: float, lon: float):
    """A phone-sized, touch browser context that has granted its location: (lat, lon), ±8 m.

    Returns (context, errors): every uncaught page error lands in `errors`.
    """
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": lat, "longitude": lon, "accuracy": 8},
        permissions=["geolocation"],
    )
    context.set_default_timeout(15_000)
    errors: list[str] = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    return context, errors


MAP_AT_REST = """map => !map._animatingZoom && !(map._panAnim && map._panAnim._inProgress)
    && !map._flyToFrame"""


def set_map_view(
    page, lat: float, lon: float, zoom: int, map_js: str = "window.fieldopsCommand.map"
):
    """Put the map at (lat, lon, zoom) once the page's own animation has finished: a zoom
    animation still running ends by moving the map back to where it was heading."""
    page.wait_for_function(f"() => ({MAP_AT_REST})({map_js})")
    page.evaluate(
        f"([lat, lon, zoom]) => {map_js}.setView([lat, lon], zoom, {{animate: false}})",
        [lat, lon, zoom],
    )
