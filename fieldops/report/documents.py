"""The report rendered: its HTML page and its PDF, for the routes and for `fieldops report`
(which renders inside a test request context, for url_for)."""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from pathlib import Path

from flask import current_app, render_template

from fieldops import offload
from fieldops.report import exports, figures
from fieldops.report.charts import draw_all
from fieldops.report.pdf import render as render_pdf

_drawn: OrderedDict[str, dict] = OrderedDict()  # charts by the hash of what they show
DRAWN_KEPT = 32


def charts_for(data: dict, fmt: str = "svg") -> dict[str, str]:
    """The charts of this data, drawn once: after the event a report is asked for again and
    again, and drawing them (in a child process that imports matplotlib) takes a second."""
    text = json.dumps(data, sort_keys=True, default=str)
    key = hashlib.sha256(f"{fmt}:{text}".encode()).hexdigest()
    if key not in _drawn:
        _drawn[key] = offload.in_process(draw_all, data, fmt)
        while len(_drawn) > DRAWN_KEPT:
            _drawn.popitem(last=False)
    _drawn.move_to_end(key)
    return _drawn[key]


def html(report: figures.Report, *, for_pdf: bool = False) -> str:
    from fieldops.web.routes import map_config

    map_data = figures.map_data(report, map_config())
    charts = charts_for(figures.chart_data(report) | {"map": map_data}, "png" if for_pdf else "svg")
    css = None
    if for_pdf:  # WeasyPrint is given the page as a string: its styles go inline
        css = (Path(current_app.static_folder) / "css" / "report.css").read_text()
    return render_template(
        "report.html",
        r=report,
        charts=charts,
        map_data=map_data,
        inline_css=css,
        **exports.page_context(report),
    )


def pdf(report: figures.Report) -> bytes:
    return offload.in_process(render_pdf, html(report, for_pdf=True))
