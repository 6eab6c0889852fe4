"""The Standard Response Protocol's actions and their directives, as the "I Love U Guys"
Foundation words them, and the problems an area can report: one table for every screen."""

from __future__ import annotations

from fieldops.drills.models import DrillAction, Hazard, Problem

# action -> (the word said, its directive)
ACTIONS = {
    DrillAction.HOLD: ("Hold", "In your room or area. Clear the halls."),
    DrillAction.SECURE: ("Secure", "Get inside. Lock outside doors."),
    DrillAction.LOCKDOWN: ("Lockdown", "Locks, lights, out of sight."),
    DrillAction.EVACUATE: ("Evacuate", "To the announced location."),
    DrillAction.SHELTER: ("Shelter", "Hazard and safety strategy."),
}

# hazard -> (its name, the safety strategy said with it)
HAZARDS = {
    Hazard.TORNADO: ("Tornado", "Evacuate to the shelter area."),
    Hazard.HAZMAT: ("Hazmat", "Seal the room."),
    Hazard.EARTHQUAKE: ("Earthquake", "Drop, cover and hold."),
    Hazard.TSUNAMI: ("Tsunami", "Get to high ground."),
    Hazard.OTHER: ("Other hazard", "Follow command's instructions."),
}

PROBLEMS = {
    Problem.DOOR_WOULD_NOT_LOCK: "Door would not lock",
    Problem.WINDOWS_NOT_COVERED: "Windows not covered",
    Problem.LIGHTS_LEFT_ON: "Lights left on",
    Problem.STUDENT_UNACCOUNTED: "Student unaccounted for",
    Problem.OTHER: "Other problem",
}

# An evacuation is done when its areas are evacuated; every other action when they are secured.
DONE_STATE = {DrillAction.EVACUATE: "evacuated"}


def directive(action: DrillAction, hazard: Hazard | None, assembly_point: str | None) -> str:
    """What every screen says under the action's name: "Locks, lights, out of sight.",
    "To Assembly point A.", "Tornado: evacuate to the shelter area."."""
    if action == DrillAction.EVACUATE and assembly_point:
        return f"To {assembly_point}."
    if action == DrillAction.SHELTER and hazard is not None:
        name, strategy = HAZARDS[hazard]
        return f"{name}: {strategy[0].lower()}{strategy[1:]}"
    return ACTIONS[action][1]


def vocabulary() -> dict:
    return {
        "drill_actions": [
            {"value": a.value, "label": ACTIONS[a][0], "words": ACTIONS[a][1]} for a in DrillAction
        ],
        "drill_hazards": [
            {"value": h.value, "label": HAZARDS[h][0], "strategy": HAZARDS[h][1]} for h in Hazard
        ],
        "drill_problems": [{"value": p.value, "label": PROBLEMS[p]} for p in Problem],
    }
