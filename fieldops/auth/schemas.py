"""One serializer for a user: the login, me, join and user-admin answers."""

from __future__ import annotations

from fieldops.auth.models import User
from fieldops.events.schemas import iso


def user_to_dict(user: User) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "name": user.display_name,
        "role": user.role.value,
        "badge": user.badge,
        "disabled_at": iso(user.disabled_at),
    }
