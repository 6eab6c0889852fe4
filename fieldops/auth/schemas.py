"""The sign-in body, and one serializer for a user: the login, me, join and user-admin
answers."""

from __future__ import annotations

from typing import Literal

from fieldops.auth.models import User
from fieldops.formats import iso
from fieldops.payloads import Payload, Text


class LoginIn(Payload):
    username: Text(200)
    password: Text(200)


class UserChangeIn(Payload):
    """An admin's change to a staff login: any of these (what is not given is kept)."""

    role: Literal["admin", "command", "organizer"] | None = None
    name: Text(120, strip=True) | None = None


def user_to_dict(user: User) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "name": user.display_name,
        "role": user.role.value,
        "badge": user.badge,
        "disabled_at": iso(user.disabled_at),
    }
