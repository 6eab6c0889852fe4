"""The report's tables, defined once: the page draws them, the zip holds them as CSV (UTF-8,
a header row, times in ISO 8601 in the event's time zone, durations in seconds), and the
GeoJSON maps incidents, found items and posts. A column marked private is left out of the
organizer's copy altogether (the figures hold no value for it there either)."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass

from markupsafe import Markup, escape

from fieldops.report import response
from fieldops.report.figures import Report, severity_label, type_label

LABELS = {"type": type_label, "severity": severity_label}


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = "text"  # text | number | time | seconds | hours | money | flag
    private: bool = False


@dataclass
class Table:
    name: str
    title: str
    columns: list[Column]
    rows: list[dict]
    optional: bool = False  # left out when it has no rows (drills, at a marathon)


C = Column
STEP_LABELS = response.STEP_LABELS


def _incidents(r: Report) -> Table:
    rows = []
    for i in r.incidents:
        row = {
            "id": i.id,
            "type": type_label(i.type),
            "severity": severity_label(i.severity),
            "status": i.status.replace("_", " "),
            "disposition": (i.disposition or "").replace("_", " "),
            "place": i.place,
            "lat": i.lat,
            "lon": i.lon,
            "reported_by": r.name(i.reported_by),
            "received": i.received_at,
            "queued_s": i.queued_s,
            "note": i.note,
        }
        for step in response.STEPS:
            row[step] = i.at[step]
            row[f"{step}_s"] = i.seconds_to(step)
        rows.append(row)
    columns = [
        C("id", "Incident", "number"),
        C("type", "Type"),
        C("severity", "Severity"),
        C("status", "Status"),
        C("disposition", "Disposition"),
        C("place", "Place"),
        C("lat", "Latitude", "number"),
        C("lon", "Longitude", "number"),
        C("reported_by", "Reported by"),
        C("received", "Reported", "time"),
        C("queued_s", "Queued on the phone", "seconds"),
        *[C(step, step.replace("_", " ").capitalize(), "time") for step in response.STEPS],
        *[C(f"{step}_s", f"Time {label}", "seconds") for step, label in STEP_LABELS.items()],
        C("note", "Note", private=True),
    ]
    return Table("incidents", "Incidents", columns, rows)


def _timeline(r: Report) -> Table:
    rows = [
        {"incident": incident_id, "at": at, "who": who, "what": what}
        for incident_id, entries in r.timelines.items()
        for at, who, what in entries
    ]
    columns = [
        C("incident", "Incident", "number"),
        C("at", "Time", "time"),
        C("who", "Who"),
        C("what", "What"),
    ]
    return Table("incident_timelines", "Incident timelines", columns, rows)


def _response_times(r: Report) -> Table:
    rows = []
    groups = [("all", "all incidents", r.times["all"])]
    groups += [("type", type_label(k), v) for k, v in sorted(r.times["by_type"].items())]
    groups += [("severity", severity_label(k), v) for k, v in r.times["by_severity"].items()]
    for group, key, spreads in groups:
        for step, label in response.STEP_LABELS.items():
            s = spreads[step]
            rows.append(
                {
                    "group": group,
                    "key": key,
                    "step": label,
                    "n": s["n"],
                    "median_s": s["median"],
                    "p90_s": s["p90"],
                    "max_s": s["max"],
                }
            )
    columns = [
        C("group", "By"),
        C("key", "Which"),
        C("step", "Time"),
        C("n", "Incidents", "number"),
        C("median_s", "Median", "seconds"),
        C("p90_s", "90th percentile", "seconds"),
        C("max_s", "Longest", "seconds"),
    ]
    return Table("response_times", "Response times", columns, rows)


# Who, where and when a duty was: the first columns of both coverage and billing.
DUTY_COLUMNS = [
    C("officer", "Officer"),
    C("badge", "Badge"),
    C("post", "Post"),
    C("scheduled_start", "Scheduled from", "time"),
    C("scheduled_end", "Scheduled to", "time"),
]


def _duty(d) -> dict:
    return {
        "officer": d.officer,
        "badge": d.badge or "",
        "post": d.post,
        "scheduled_start": d.scheduled_start,
        "scheduled_end": d.scheduled_end,
        "worked_h": d.worked_s / 3600,
    }


def _shifts(r: Report) -> Table:
    rows = [
        _duty(d)
        | {
            "scheduled_h": d.scheduled_s / 3600,
            "checked_in": d.shifts[0].start if d.shifts else None,
            "checked_out": d.shifts[-1].end if d.shifts else None,
            "late_min": round(d.late_min, 1),
            "early_min": round(d.early_min, 1),
            "stale_min": d.stale_min,
            "off_post_min": d.off_post_min,
            "missing_out": d.missing_out,
            "no_show": d.no_show,
        }
        for d in r.duties
    ]
    columns = [
        *DUTY_COLUMNS,
        C("scheduled_h", "Scheduled h", "hours"),
        C("checked_in", "First check-in", "time"),
        C("checked_out", "Last check-out", "time"),
        C("worked_h", "Checked-in h", "hours"),
        C("late_min", "Late (min)", "number"),
        C("early_min", "Left early (min)", "number"),
        C("stale_min", "Stale (min)", "number"),
        C("off_post_min", "Off post (min)", "number"),
        C("missing_out", "Missing check-out", "flag"),
        C("no_show", "No show", "flag"),
    ]
    return Table("coverage_officers", "Coverage per officer", columns, rows)


def _posts(r: Report) -> Table:
    rows = [
        {
            "post": p.post,
            "scheduled_h": p.scheduled_s / 3600,
            "covered_h": p.covered_s / 3600,
            "uncovered_h": (p.scheduled_s - p.covered_s) / 3600,
            "gaps": "; ".join(f"{r.local(a)}–{r.local(b)}" for a, b in p.gaps),
        }
        for p in r.posts
    ]
    columns = [
        C("post", "Post"),
        C("scheduled_h", "Scheduled h", "hours"),
        C("covered_h", "Covered h", "hours"),
        C("uncovered_h", "Uncovered h", "hours"),
        C("gaps", "Uncovered gaps"),
    ]
    return Table("coverage_posts", "Coverage per post", columns, rows)


def _flags(d) -> str:
    flags = (
        ("missing check-out", d.missing_out),
        ("no rate", d.rate is None and bool(d.shifts)),
        ("no show", d.no_show),
    )
    return ", ".join(name for name, on in flags if on)


def _billing(r: Report) -> Table:
    rows = [
        _duty(d) | {"billed_h": d.billed_h, "rate": d.rate, "amount": d.amount, "flags": _flags(d)}
        for d in r.duties
    ]
    columns = [
        *DUTY_COLUMNS,
        C("worked_h", "Checked-in h", "hours"),
        C("billed_h", "Billed h", "hours"),
        C("rate", "Rate / h", "money"),
        C("amount", "Amount", "money"),
        C("flags", "Flags"),
    ]
    return Table("billing", "Billing", columns, rows)


def _items(r: Report) -> Table:
    columns = [
        C("id", "Item", "number"),
        C("category", "Category"),
        C("description", "Description"),
        C("colours", "Colours"),
        C("brand", "Brand"),
        C("personal_data", "Personal data", "flag"),
        C("place", "Where found"),
        C("found_at", "Found", "time"),
        C("status", "Status"),
        C("returned_at", "Returned", "time"),
        C("return_s", "Time to return", "seconds"),
        C("agency", "Handed to agency"),
        C("hand_offs", "Custody records", "number"),
        C("finder", "Handed in by", private=True),
        C("finder_contact", "Their contact", private=True),
        C("owner", "Returned to", private=True),
        C("identity_check", "Identity check", private=True),
    ]
    return Table("found_items", "Found items", columns, r.items)


def _persons(r: Report) -> Table:
    columns = [
        C("label", "Person"),
        C("age", "Age", "number"),
        C("found_first", "Found before any report", "flag"),
        C("status", "Status"),
        C("reported_at", "Reported", "time"),
        C("found_at", "Found", "time"),
        C("reunited_at", "Reunited", "time"),
        C("found_s", "Time to find", "seconds"),
        C("reunited_s", "Time to reunion", "seconds"),
        C("agency_called_at", "Agency called", "time"),
        C("last_seen_place", "Last seen"),
        C("found_place", "Found at"),
        C("guardian", "Guardian", private=True),
        C("guardian_contact", "Guardian contact", private=True),
        C("reunited_with", "Reunited with", private=True),
        C("identity_verified_how", "Identity verified how", private=True),
    ]
    return Table("lost_persons", "Lost persons", columns, r.persons)


def _alarms(r: Report) -> Table:
    rows = [
        a | {"officer": r.name(a["officer_id"]), "acknowledged_by": r.name(a["acknowledged_by_id"])}
        for a in r.alarms
    ]
    columns = [
        C("id", "Alarm", "number"),
        C("kind", "Kind"),
        C("raised_at", "Raised", "time"),
        C("place", "Place"),
        C("officer", "Officer"),
        C("acknowledged_at", "Acknowledged", "time"),
        C("acknowledged_by", "By"),
        C("ack_s", "Time to acknowledge", "seconds"),
        C("cancelled", "Called off", "flag"),
        C("text", "Alarm text", private=True),
    ]
    return Table("alarms", "Alarms", columns, rows)


def _messages(r: Report) -> Table:
    rows = [m | {"sender": r.name(m["sender_id"])} for m in r.messages]
    columns = [
        C("id", "Message", "number"),
        C("sent_at", "Sent", "time"),
        C("sender", "From"),
        C("to", "To"),
        C("priority", "Priority", "flag"),
        C("recipients", "Recipients", "number"),
        C("acknowledged", "Acknowledged", "number"),
        C("first_ack_s", "First acknowledgement after", "seconds"),
        C("text", "Text", private=True),
    ]
    return Table("messages", "Messages", columns, rows)


def _drills(r: Report) -> Table:
    rows = [d | {"started_by": r.name(d["started_by"])} for d in r.drills]
    columns = [
        C("id", "Drill", "number"),
        C("action", "Action"),
        C("mode", "Drill or real"),
        C("started_by", "Started by"),
        C("started_at", "Alarm sounded", "time"),
        C("complete_s", "Time to complete", "seconds"),
        C("concluded_at", "All clear", "time"),
        C("areas", "Areas reported"),
        C("accounted", "Accounted for", "number"),
        C("missing", "Missing", "number"),
        C("problems", "Problems found"),
        C("notes", "Notes", private=True),
    ]
    return Table("drills", "Drills", columns, rows, optional=True)


def _proactive(r: Report) -> Table:
    rows = [p | {"officer": r.name(p["officer_id"])} for p in r.proactive]
    columns = [
        C("logged_at", "Logged", "time"),
        C("officer", "Officer"),
        C("what", "Proactive work"),
        C("attendees", "Attended", "number"),
        C("place", "Place"),
        C("note", "Note", private=True),
    ]
    return Table("proactive_work", "Proactive work", columns, rows, optional=True)


def _weekly(r: Report) -> Table:
    """A school term (an event over more than a week): each week's incidents by type, drills
    and proactive work, so the report reads as the weekly reports too."""
    from collections import Counter, defaultdict
    from datetime import timedelta

    rows: list[dict] = []
    if r.event.ends_at - r.event.starts_at > timedelta(days=7):
        weeks: dict = defaultdict(lambda: {"incidents": Counter(), "drills": [], "work": 0})

        def monday(value):
            day = value.astimezone(r.zone).date()
            return day - timedelta(days=day.weekday())

        for incident in r.incidents:
            weeks[monday(incident.received_at)]["incidents"][type_label(incident.type)] += 1
        for drill in r.drills:
            weeks[monday(drill["started_at"])]["drills"].append(drill["action"])
        for entry in r.proactive:
            weeks[monday(entry["logged_at"])]["work"] += 1
        for start in sorted(weeks):
            week = weeks[start]
            rows.append(
                {
                    "week": f"{start:%d %b} – {start + timedelta(days=6):%d %b %Y}",
                    "incidents": sum(week["incidents"].values()),
                    "by_type": ", ".join(f"{k} {n}" for k, n in sorted(week["incidents"].items())),
                    "drills": ", ".join(week["drills"]),
                    "proactive": week["work"],
                }
            )
    columns = [
        C("week", "Week"),
        C("incidents", "Incidents", "number"),
        C("by_type", "By type"),
        C("drills", "Drills held"),
        C("proactive", "Proactive work", "number"),
    ]
    return Table("weekly", "Week by week", columns, rows, optional=True)


def _activity(r: Report) -> Table:
    rows = [
        {
            "officer": a["name"],
            "badge": a["badge"] or "",
            "position": a["position"],
            "at": at,
            "activity": text,
        }
        for a in r.activity
        for at, text in a["entries"]
    ]
    columns = [
        C("officer", "Name"),
        C("badge", "Badge"),
        C("position", "Position"),
        C("at", "Time", "time"),
        C("activity", "Notable activity"),
    ]
    return Table("activity_log_ics214", "Activity log (ICS 214)", columns, rows)


BUILDERS = (
    _incidents,
    _timeline,
    _response_times,
    _shifts,
    _posts,
    _billing,
    _items,
    _persons,
    _alarms,
    _messages,
    _drills,
    _proactive,
    _weekly,
    _activity,
)


def tables(report: Report) -> list[Table]:
    """Every table, with the private columns dropped from the organizer's copy."""
    out = []
    for build in BUILDERS:
        table = build(report)
        if table.optional and not table.rows:
            continue
        if not report.private:
            table.columns = [c for c in table.columns if not c.private]
        out.append(table)
    return out


# --- values as text --------------------------------------------------------------------------


def csv_value(report: Report, column: Column, value) -> str:
    if value is None or value == "":
        return ""
    if column.kind == "time":
        return value.astimezone(report.zone).isoformat(timespec="seconds")
    if column.kind == "flag":
        return "yes" if value else "no"
    if column.kind in ("seconds",):
        return f"{value:.0f}"
    if column.kind in ("hours",):
        return f"{value:.2f}"
    if column.kind == "money":
        return f"{value:.2f}"
    return str(value)


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, s = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {s:02d} s" if minutes < 10 and s else f"{minutes} min"
    hours, m = divmod(minutes, 60)
    return f"{hours} h {m:02d} min"


def page_value(report: Report, column: Column, value) -> str:
    if value is None or value == "":
        return "—" if column.kind in ("seconds", "time") else ""
    if column.kind == "time":
        return report.local(value)
    if column.kind == "seconds":
        return duration(value)
    if column.kind == "hours":
        return f"{value:.2f}"
    if column.kind == "money":
        return f"{value:,.2f}"
    if column.kind == "flag":
        return "yes" if value else ""
    if column.kind == "number" and isinstance(value, float):
        return f"{value:.5f}" if column.key in ("lat", "lon") else f"{value:g}"
    return str(value)


def html_table(report: Report, table: Table, limit: int | None = None) -> Markup:
    """The table as HTML, written here rather than cell by cell in the template: a report of
    a big event has tens of thousands of cells, and a Jinja call per cell costs a second."""
    if not table.rows:
        return Markup('<p class="muted">None.</p>')
    kinds = [f' class="k-{c.kind}"' for c in table.columns]
    out = [f'<div class="scroll"><table class="data" data-table="{table.name}"><thead><tr>']
    out += [f"<th{k}>{escape(c.title)}</th>" for c, k in zip(table.columns, kinds, strict=True)]
    out.append("</tr></thead><tbody>")
    for row in table.rows[:limit] if limit else table.rows:
        out.append("<tr>")
        for column, kind in zip(table.columns, kinds, strict=True):
            out.append(f"<td{kind}>{escape(page_value(report, column, row.get(column.key)))}</td>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return Markup("".join(out))  # noqa: S704 - every value in it went through escape()


# The page draws these its own way (a matrix; each incident's timeline under the table).
DRAWN_APART = ("response_times", "incident_timelines")


def page_context(report: Report) -> dict:
    """What report.html draws besides the report: its tables and how to write values."""
    from collections import Counter

    t = report.times
    rows = [("All incidents", t["all"])]
    rows += [(type_label(k), v) for k, v in sorted(t["by_type"].items())]
    rows += [(severity_label(k), v) for k, v in t["by_severity"].items()]
    return {
        "labels": LABELS,
        "tables": [x for x in tables(report) if x.name not in DRAWN_APART],
        "html_table": lambda table, limit=None: html_table(report, table, limit),
        "duration": duration,
        "counts": Counter((i.type, i.severity) for i in report.incidents),
        "steps": response.STEP_LABELS,
        "response_rows": rows,
    }


def csv_zip(report: Report) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables(report):
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow([c.key for c in table.columns])
            for row in table.rows:
                writer.writerow([csv_value(report, c, row.get(c.key)) for c in table.columns])
            archive.writestr(f"{table.name}.csv", text.getvalue().encode("utf-8"))
    return out.getvalue()


def geojson(report: Report) -> bytes:
    features = []

    def point(lat, lon, properties):
        if lat is not None and lon is not None:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": properties,
                }
            )

    for i in report.incidents:
        point(
            i.lat,
            i.lon,
            {
                "layer": "incident",
                "id": i.id,
                "type": i.type,
                "severity": i.severity,
                "status": i.status,
                "place": i.place,
                "reported": i.received_at.astimezone(report.zone).isoformat(timespec="seconds"),
            },
        )
    for item in report.items:
        point(
            item["lat"],
            item["lon"],
            {
                "layer": "found_item",
                "id": item["id"],
                "category": item["category"],
                "status": item["status"],
                "place": item["place"],
            },
        )
    for post in report.post_rows:
        point(
            post.lat,
            post.lon,
            {
                "layer": "post",
                "id": post.id,
                "name": post.name,
                "kind": post.kind.value,
                "radius_m": post.radius_m,
            },
        )
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def filename(report: Report, ext: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", report.event.name.lower()).strip("-") or "event"
    day = report.event.starts_at.astimezone(report.zone).strftime("%Y-%m-%d")
    return f"{slug}-{day}-report.{ext}"
