"""Photos of found items, stored as incident photos are (instance/photos/found/...)."""

from __future__ import annotations

from pathlib import Path

from fieldops.auth.models import User
from fieldops.db import get_or_404, utcnow
from fieldops.errors import Forbidden
from fieldops.incidents import photos
from fieldops.lostfound.access import current_holder, is_desk, visible_item
from fieldops.lostfound.models import CustodianKind, FoundItem, FoundItemPhoto
from fieldops.lostfound.publishing import publish_item


def add_photo(
    item: FoundItem, user: User, processed, instance_path: str
) -> tuple[FoundItemPhoto, bool]:
    """Stored as incident photos are (instance/photos/found/...), once per image."""
    holder = current_holder(item)
    allowed = (
        is_desk(user)
        or item.logged_by_id == user.id
        or (holder.kind == CustodianKind.OFFICER and holder.user_id == user.id)
    )
    if not allowed:
        raise Forbidden("only the desk, who logged the item and who holds it add photos")
    photo, created = photos.store_once(
        FoundItemPhoto,
        "item_id",
        item.id,
        processed,
        by=user.id,
        instance_path=instance_path,
        folder=f"photos/found/{item.event_id}/{item.id}",
    )
    if created:
        item.updated_at = utcnow()
    publish_item(item)
    return photo, created


def visible_photo(photo_id: int, user: User, token_event_id: int | None) -> FoundItemPhoto:
    photo = get_or_404(FoundItemPhoto, photo_id, "photo")
    visible_item(photo.item_id, user, token_event_id)
    return photo


def photo_path(photo: FoundItemPhoto, instance_path: str) -> Path:
    return photos.stored_path(photo, instance_path)
