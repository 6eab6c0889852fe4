"""What other packages may react to, without the event set-up services calling them."""

from blinker import Namespace

_signals = Namespace()

# Sent inside the write transaction once an officer joined the event or their roster entry
# changed (sender = the Event, officer_id = who): tracking refreshes its live picture of them
# and tells the command post after the commit.
roster_changed = _signals.signal("roster-changed")
