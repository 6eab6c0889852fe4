"""The report's charts as SVG, drawn on the server (matplotlib), so the page and the PDF show
the same images and no script is needed to read them.

Pure Python on plain data and importing no Flask: fieldops.offload runs `draw_all` in a child
process under eventlet and gevent (drawing takes the GIL for hundreds of milliseconds).
"""

from __future__ import annotations

import base64
import io
import re
from datetime import datetime, timedelta

# The incident types' colours: distinct in print and for the common colour blindnesses
# (Okabe–Ito), each type also named in the legend.
PALETTE = {
    "medical": "#D55E00",
    "crowd": "#0072B2",
    "traffic": "#E69F00",
    "suspicious": "#CC79A7",
    "fight": "#000000",
    "lost_person": "#56B4E9",
    "hazard": "#F0E442",
    "other": "#999999",
    "officer_help": "#009E73",
}


def _figure(width_in: float = 9.0, height_in: float = 3.2):
    import matplotlib

    matplotlib.use("svg")
    from matplotlib import pyplot as plt

    plt.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.fonttype": "none",  # text stays text: searchable, and selectable in the PDF
        }
    )
    fig, ax = plt.subplots(figsize=(width_in, height_in), dpi=100)
    return plt, fig, ax


FORMAT = {"format": "svg"}  # draw_all() sets "png" for the PDF


def _svg(plt, fig, name: str) -> str:
    """The figure as inline SVG for the page, or (FORMAT png) as a PNG data URL for the PDF:
    WeasyPrint draws an image at once where it lays out thousands of SVG shapes for seconds."""
    fig.tight_layout()
    if FORMAT["format"] == "png":
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=150)
        plt.close(fig)
        return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
    out = io.StringIO()
    fig.savefig(out, format="svg")
    plt.close(fig)
    text = out.getvalue()
    text = text[text.index("<svg") :]  # no XML prolog: the SVG goes inline in the page
    # matplotlib numbers its ids per figure ("line2d_7"): three charts in one page would share
    # them, so each chart's ids (and the references to them) get the chart's name.
    ids = set(re.findall(r'\bid="([^"]+)"', text))
    text = re.sub(r'\bid="([^"]+)"', rf'id="{name}-\1"', text)
    return re.sub(
        r"#([A-Za-z_][\w.-]*)",
        lambda m: f"#{name}-{m.group(1)}" if m.group(1) in ids else m.group(0),
        text,
    )


def incidents_per_quarter(
    bins: list[str], counts: dict[str, list[int]], labels: dict[str, str]
) -> str:
    """Stacked bars: incidents reported per 15 minutes (x: local clock labels), by type."""
    plt, fig, ax = _figure()
    bottom = [0] * len(bins)
    for type_, values in counts.items():
        ax.bar(
            range(len(bins)),
            values,
            bottom=bottom,
            width=0.9,
            color=PALETTE.get(type_, "#777777"),
            label=labels.get(type_, type_),
            edgecolor="white",
            linewidth=0.4,
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    step = max(1, len(bins) // 12)
    ax.set_xticks(range(0, len(bins), step), [bins[i] for i in range(0, len(bins), step)])
    ax.set_ylabel("incidents per 15 min")
    ax.set_ylim(0, max([1, *bottom]) * 1.1)
    ax.yaxis.get_major_locator().set_params(integer=True)
    if counts:
        # Above the plot, never over a bar.
        ax.legend(
            ncols=min(5, len(counts)),
            fontsize=9.5,
            frameon=False,
            loc="lower left",
            bbox_to_anchor=(0, 1.0),
        )
    else:
        ax.text(0.5, 0.5, "No incidents", transform=ax.transAxes, ha="center")
    return _svg(plt, fig, "per-quarter")


def response_distribution(groups: dict[str, list[float]], step_label: str) -> str:
    """One row per group (an incident type): each incident's time as a dot, the median as a
    bar, in minutes."""
    plt, fig, ax = _figure(height_in=max(1.6, 0.45 * len(groups) + 0.9))
    names = list(groups)
    for row, name in enumerate(names):
        minutes = sorted(s / 60 for s in groups[name])
        if not minutes:
            continue
        ax.scatter(minutes, [row] * len(minutes), s=22, color="#0a3d91", alpha=0.7, zorder=3)
        middle = (
            minutes[len(minutes) // 2]
            if len(minutes) % 2
            else ((minutes[len(minutes) // 2 - 1] + minutes[len(minutes) // 2]) / 2)
        )
        ax.plot([middle, middle], [row - 0.3, row + 0.3], color="#D55E00", linewidth=3, zorder=4)
    ax.set_yticks(range(len(names)), names)
    ax.set_ylim(-0.6, len(names) - 0.4)
    ax.invert_yaxis()
    ax.set_xlabel(f"minutes {step_label} (dots: incidents; bar: median)")
    ax.set_xlim(left=0)
    if not names:
        ax.text(0.5, 0.5, "No incidents", transform=ax.transAxes, ha="center")
    return _svg(plt, fig, "on-scene")


def on_shift(points: list[tuple[str, int]], rostered: int) -> str:
    """Officers checked in over the day (a step line), against how many were rostered."""
    plt, fig, ax = _figure(height_in=2.6)
    xs = list(range(len(points)))
    ax.step(xs, [n for _label, n in points], where="post", color="#0a3d91", linewidth=2)
    ax.fill_between(xs, [n for _l, n in points], step="post", color="#0a3d91", alpha=0.12)
    if rostered:
        ax.axhline(rostered, color="#D55E00", linestyle="--", linewidth=1.2)
        ax.text(0, rostered, f" {rostered} rostered", color="#D55E00", va="bottom", fontsize=9)
    step = max(1, len(points) // 12)
    ax.set_xticks(xs[::step], [points[i][0] for i in range(0, len(points), step)])
    ax.set_ylabel("officers on shift")
    ax.set_ylim(bottom=0)
    ax.yaxis.get_major_locator().set_params(integer=True)
    return _svg(plt, fig, "on-shift")


SEVERITY_COLOURS = {"critical": "#b00020", "high": "#e8590c", "medium": "#f5b700", "low": "#5f6b76"}


def incident_map(data: dict) -> str:
    """The map on paper (no tiles, no script): the course, the posts with their names, where
    incidents were dense (hexagons) and each incident as a dot in its severity's colour."""
    import math

    plt, fig, ax = _figure(width_in=9.0, height_in=6.0)
    lats = [i["lat"] for i in data["incidents"]] + [p["lat"] for p in data["posts"]]
    for line in (data.get("course") or {}).get("lines", []):
        lats += [pt[0] for pt in line]
    mid = sum(lats) / len(lats) if lats else 0.0
    ax.set_aspect(1 / max(0.1, math.cos(math.radians(mid))))
    for line in (data.get("course") or {}).get("lines", []):
        xs, ys = [pt[1] for pt in line], [pt[0] for pt in line]
        ax.plot(xs, ys, color="#000000", linewidth=6, alpha=0.5, solid_capstyle="round")
        ax.plot(xs, ys, color="#ffd60a", linewidth=3, solid_capstyle="round")
    incidents = data["incidents"]
    if len(incidents) >= 8:
        ax.hexbin(
            [i["lon"] for i in incidents],
            [i["lat"] for i in incidents],
            gridsize=28,
            mincnt=1,
            cmap="Reds",
            alpha=0.45,
            linewidths=0,
        )
    for post in data["posts"]:
        ax.plot(post["lon"], post["lat"], marker="s", color="#0a3d91", markersize=5)
        if len(data["posts"]) <= 40:
            ax.annotate(
                post["name"],
                (post["lon"], post["lat"]),
                xytext=(4, 4),
                textcoords="offset points",
                fontsize=7.5,
                color="#0a3d91",
            )
    for severity in ("low", "medium", "high", "critical"):  # the serious ones on top
        dots = [i for i in incidents if i["severity"] == severity]
        if dots:
            ax.scatter(
                [i["lon"] for i in dots],
                [i["lat"] for i in dots],
                s=26,
                color=SEVERITY_COLOURS[severity],
                edgecolors="#111111",
                linewidths=0.6,
                label=f"{severity} ({len(dots)})",
                zorder=5,
            )
    if incidents:
        ax.legend(title="incidents", fontsize=8, title_fontsize=8, frameon=True, loc="best")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    return _svg(plt, fig, "map")


def draw_all(data: dict, fmt: str = "svg") -> dict[str, str]:
    """Every chart of the report from `chart_data()`'s plain dict: {name: svg, or a PNG data
    URL with fmt "png"}."""
    FORMAT["format"] = fmt
    return {
        "map": incident_map(data["map"]),
        "per_quarter": incidents_per_quarter(
            data["bins"], data["per_quarter"], data["type_labels"]
        ),
        "on_scene": response_distribution(data["on_scene"], "to on scene"),
        "on_shift": on_shift(data["on_shift"], data["rostered"]),
    }


def quarter_bins(start: datetime, end: datetime) -> list[datetime]:
    bins, at = [], start
    while at < end:
        bins.append(at)
        at += timedelta(minutes=15)
    return bins


SRP_COLOURS = {
    "hold": "#7b3fc4",
    "secure": "#1f5fd1",
    "lockdown": "#d1142e",
    "evacuate": "#15803d",
    "shelter": "#f08c00",
}


def drill_times(rows: list[tuple[str, str, float | None]]) -> str:
    """Bars, oldest first: each drill's time to complete in minutes (x: "3 Oct Lockdown"),
    coloured by its action; a drill never completed is marked, not drawn as zero."""
    plt, fig, ax = _figure(height_in=2.8)
    xs = list(range(len(rows)))
    heights = [m if m is not None else 0 for _label, _action, m in rows]
    ax.bar(xs, heights, color=[SRP_COLOURS.get(a, "#5f6b76") for _l, a, _m in rows], width=0.6)
    for x, (_label, _action, minutes) in zip(xs, rows, strict=True):
        text = f"{minutes:.1f}" if minutes is not None else "not complete"
        ax.text(x, (minutes or 0), f" {text}", ha="center", va="bottom", fontsize=8, rotation=0)
    ax.set_xticks(xs, [label for label, _a, _m in rows], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("minutes to complete")
    ax.set_ylim(bottom=0, top=max([1.0, *heights]) * 1.25)
    return _svg(plt, fig, "drill-times")
