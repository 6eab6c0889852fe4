"""The report as a PDF: the page's own HTML (its print styles, the same server-drawn charts)
through WeasyPrint, which runs no JavaScript and needs none here.

Imports no Flask: fieldops.offload runs `render` in a child process under a hub (a report of
a big event lays out for seconds)."""

from __future__ import annotations


def render(html: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html).write_pdf()
