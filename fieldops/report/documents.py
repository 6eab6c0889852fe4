"""The report rendered: its HTML page and its PDF, for the routes and for `fieldops report`
(which renders inside a test request context, for url_for)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template

from fieldops import offload
from fieldops.report import exports, figures
from fieldops.report.charts import draw_all
from fieldops.report.pdf import render as render_pdf


def html(report: figures.Report, *, for_pdf: bool = False) -> str:
    from fieldops.web.routes import map_config

    map_data = figures.map_data(report, map_config())
    charts = offload.in_process(draw_all, figures.chart_data(report) | {"map": map_data})
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
