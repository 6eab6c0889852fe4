"""Lost-and-found writes and reads, as the routes, the snapshot and the demo call them.

Each verb validates, writes and flushes inside the caller's write_transaction() and publishes
(after the commit) the records it changed (fieldops.lostfound.publishing).
"""

from fieldops.lostfound.access import (  # noqa: F401
    CLOSED_ITEM,
    CLOSED_REPORT,
    DESK,
    STAFF,
    can_see_item,
    current_holder,
    found_items_for,
    is_desk,
    lost_reports_for,
    matches_for,
    matches_of,
    officers_of,
    private_for,
    require_desk,
    retention_list,
    visible_item,
    visible_report,
)
from fieldops.lostfound.handoffs import dispose, hand_off, hand_to_agency, release_to_owner  # noqa: F401
from fieldops.lostfound.intake import log_found_item, report_lost, retain_until  # noqa: F401
from fieldops.lostfound.item_photos import add_photo, photo_path, visible_photo  # noqa: F401
from fieldops.lostfound.matches import confirm_match, reject_match, suggest_matches  # noqa: F401
