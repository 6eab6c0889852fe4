"""WSGI entry point: `fieldops serve` uses it too. Monkey-patches before any other import."""

from fieldops.entry import _patch_for_serving

_patch_for_serving()

from fieldops.app import create_app, start_background  # noqa: E402

app = create_app()
start_background(app)
