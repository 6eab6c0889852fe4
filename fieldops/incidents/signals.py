"""What other packages may react to, without the incident services calling them."""

from blinker import Namespace

_signals = Namespace()

# Sent inside the write transaction, after the incident's envelopes are queued for the commit:
# sender = the Incident, actor = the User who changed it (None for the system or unknown).
incident_changed = _signals.signal("incident-changed")
