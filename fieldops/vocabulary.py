"""The words both pages show for the server's enums, defined once and sent in the page config.

The values come from the enums themselves, so a new type or status reaches the pages (with its
value as its label until it gets one here); the pages never keep their own copy.
"""

from __future__ import annotations

from fieldops.alerts.models import AlertKind
from fieldops.drills import protocol as drill_protocol
from fieldops.events.models import OfficerStatus
from fieldops.incidents.models import (
    AssignmentStatus,
    Disposition,
    IncidentStatus,
    IncidentType,
    Severity,
)
from fieldops.lostfound.models import Category, IdentityMethod, ItemStatus, LostStatus
from fieldops.lostfound.vocabulary import COLOURS
from fieldops.lostpersons.models import LostPersonStatus
from fieldops.proactive.schemas import vocabulary as proactive_vocabulary

# label: the phone's report buttons and every full sentence; short: a queue row or a map tip.
# severity: the one suggested when the type is chosen.
TYPE_WORDS = {
    IncidentType.MEDICAL: ("Medical", "Medical", Severity.HIGH),
    IncidentType.CROWD: ("Crowd", "Crowd", Severity.MEDIUM),
    IncidentType.TRAFFIC: ("Traffic", "Traffic", Severity.MEDIUM),
    IncidentType.SUSPICIOUS: ("Suspicious person / package", "Suspicious", Severity.HIGH),
    IncidentType.FIGHT: ("Fight / disturbance", "Fight", Severity.HIGH),
    IncidentType.LOST_PERSON: ("Lost person", "Lost person", Severity.HIGH),
    IncidentType.HAZARD: ("Hazard", "Hazard", Severity.MEDIUM),
    IncidentType.OTHER: ("Other", "Other", Severity.LOW),
    IncidentType.BEHAVIOURAL: ("Behavioural issue", "Behaviour", Severity.LOW),
    IncidentType.BULLYING: ("Bullying", "Bullying", Severity.MEDIUM),
    IncidentType.THREAT: ("Threat", "Threat", Severity.HIGH),
    IncidentType.WEAPON: ("Weapon", "Weapon", Severity.CRITICAL),
    IncidentType.INTRUDER: ("Intruder", "Intruder", Severity.CRITICAL),
    IncidentType.DRUGS: ("Drugs", "Drugs", Severity.MEDIUM),
    IncidentType.WELFARE: ("Welfare concern", "Welfare", Severity.MEDIUM),
    IncidentType.OFFICER_HELP: ("Officer needs help", "Officer needs help", Severity.CRITICAL),
}
# Only the help button raises these; the report and the desk's new incident do not offer them.
FROM_HELP_BUTTON = {IncidentType.OFFICER_HELP}
# Offered at school events only; each drawn with the nearest of the phone's icons.
AT_SCHOOLS = {
    IncidentType.BEHAVIOURAL: "other",
    IncidentType.BULLYING: "fight",
    IncidentType.THREAT: "suspicious",
    IncidentType.WEAPON: "suspicious",
    IncidentType.INTRUDER: "suspicious",
    IncidentType.DRUGS: "hazard",
    IncidentType.WELFARE: "medical",
}

SEVERITY_LABELS = {
    Severity.CRITICAL: "Critical",
    Severity.HIGH: "High",
    Severity.MEDIUM: "Medium",
    Severity.LOW: "Low",
}

# "Reported" on both pages (the desk said "New"): it is the status's own name, and on the
# phone, beside the officer's own report, "New" would say nothing.
STATUS_LABELS = {
    IncidentStatus.REPORTED: "Reported",
    IncidentStatus.ACKNOWLEDGED: "Acknowledged",
    IncidentStatus.DISPATCHED: "Dispatched",
    IncidentStatus.EN_ROUTE: "En route",
    IncidentStatus.ON_SCENE: "On scene",
    IncidentStatus.RESOLVED: "Resolved",
    IncidentStatus.CANCELLED: "Cancelled",
}
CLOSED_STATUSES = {IncidentStatus.RESOLVED, IncidentStatus.CANCELLED}

ASSIGNMENT_LABELS = {
    AssignmentStatus.DISPATCHED: "Dispatched",
    AssignmentStatus.ACKNOWLEDGED: "Acknowledged",
    AssignmentStatus.EN_ROUTE: "En route",
    AssignmentStatus.ON_SCENE: "On scene",
    AssignmentStatus.RELEASED: "Released",
}

DISPOSITION_LABELS = {
    Disposition.TREATED_ON_SITE: "Treated on site",
    Disposition.TRANSPORTED_BY_EMS: "Transported by EMS",
    Disposition.ARREST_BY_AGENCY: "Arrest by agency",
    Disposition.REFERRED: "Referred",
    Disposition.REUNITED: "Reunited",
    Disposition.UNFOUNDED: "Unfounded",
    Disposition.MEDIATION: "Mediation (restorative)",
    Disposition.COUNSELLOR_REFERRAL: "Referred to counsellor",
    Disposition.GUARDIAN_CONTACTED: "Parent or guardian contacted",
    Disposition.ADMINISTRATION_REFERRAL: "Referred to administration",
    Disposition.OTHER: "Other",
}

ALERT_LABELS = {
    AlertKind.HELP: "OFFICER NEEDS HELP",
    AlertKind.CRITICAL_INCIDENT: "Critical incident",
    AlertKind.LOST_PERSON: "Lost person",
    AlertKind.DISPATCH_UNACKNOWLEDGED: "Dispatch not acknowledged",
    AlertKind.STALE_ASSIGNED: "Assigned officer silent",
    AlertKind.FLOOD: "Too many from one phone",
}

OFFICER_STATUS_LABELS = {
    OfficerStatus.ON_POST: "On post",
    OfficerStatus.RESPONDING: "Responding",
    OfficerStatus.ON_BREAK: "On break",
}

# Lost and found, lost persons (issue 9): the desk's lists and forms.
CATEGORY_LABELS = {
    Category.BAG: "Bag",
    Category.PHONE: "Phone",
    Category.WALLET_PURSE: "Wallet / purse",
    Category.KEYS: "Keys",
    Category.ID_DOCUMENTS: "ID documents",
    Category.CARDS_MONEY: "Cards / money",
    Category.CLOTHING: "Clothing",
    Category.MEDICAL: "Medical device / medication",
    Category.CHILDS_ITEM: "Child's item / toy",
    Category.EYEWEAR: "Eyewear",
    Category.JEWELLERY_WATCH: "Jewellery / watch",
    Category.ELECTRONICS: "Electronics",
    Category.OTHER: "Other",
}

ITEM_STATUS_LABELS = {
    ItemStatus.IN_CUSTODY: "In custody",
    ItemStatus.MATCHED: "Matched",
    ItemStatus.AWAITING_PICKUP: "Awaiting pickup",
    ItemStatus.RETURNED: "Returned",
    ItemStatus.HANDED_TO_AGENCY: "Handed to agency",
    ItemStatus.DISPOSED: "Disposed",
}

LOST_STATUS_LABELS = {
    LostStatus.OPEN: "Open",
    LostStatus.MATCHED: "Matched",
    LostStatus.RETURNED: "Returned",
    LostStatus.CLOSED: "Closed",
}

IDENTITY_METHOD_LABELS = {
    IdentityMethod.DOCUMENT: "ID document",
    IdentityMethod.CONTENTS: "Described the contents",
}

LOST_PERSON_STATUS_LABELS = {
    LostPersonStatus.SEARCHING: "Searching",
    LostPersonStatus.FOUND: "Found",
    LostPersonStatus.REUNITED: "Reunited",
    LostPersonStatus.CANCELLED: "Cancelled",
}


def _labels(enum, labels: dict) -> list[dict]:
    """Every member in the enum's order, with its label (its value if it has none yet)."""
    return [{"value": m.value, "label": labels.get(m, m.value)} for m in enum]


def vocabulary() -> dict:
    """The page config's `vocabulary`: lists in display order, so a page can draw buttons."""
    types = []
    for member in IncidentType:
        label, short, severity = TYPE_WORDS.get(member, (member.value, member.value, Severity.LOW))
        types.append(
            {
                "value": member.value,
                "label": label,
                "short": short,
                "severity": severity.value,
                "from_help_button": member in FROM_HELP_BUTTON,
                "school": member in AT_SCHOOLS,
                "icon": AT_SCHOOLS.get(member, member.value),
            }
        )
    severities = sorted(Severity, key=list(SEVERITY_LABELS).index)  # most serious first
    return {
        "incident_types": types,
        "severities": _labels(severities, SEVERITY_LABELS),
        "incident_statuses": [
            item | {"open": item["value"] not in CLOSED_STATUSES}
            for item in _labels(IncidentStatus, STATUS_LABELS)
        ],
        "assignment_statuses": _labels(AssignmentStatus, ASSIGNMENT_LABELS),
        "dispositions": _labels(Disposition, DISPOSITION_LABELS),
        "alert_kinds": _labels(AlertKind, ALERT_LABELS),
        "officer_statuses": _labels(OfficerStatus, OFFICER_STATUS_LABELS),
        "item_categories": _labels(Category, CATEGORY_LABELS),
        "item_colours": list(COLOURS),
        "item_statuses": _labels(ItemStatus, ITEM_STATUS_LABELS),
        "lost_report_statuses": _labels(LostStatus, LOST_STATUS_LABELS),
        "identity_methods": _labels(IdentityMethod, IDENTITY_METHOD_LABELS),
        "lost_person_statuses": _labels(LostPersonStatus, LOST_PERSON_STATUS_LABELS),
        **drill_protocol.vocabulary(),
        **proactive_vocabulary(),
    }
