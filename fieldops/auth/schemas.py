"""The sign-in body, and one serializer for a user: the login, me, join and user-admin
answers."""

from __future__ import annotations

from fieldops.auth.models import User
from fieldops.formats import iso
from fieldops.payloads import Payload, Text


class LoginIn(Payload):
    username: Text(200)
    password: Text(200)


def user_to_dict(user: User) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "name": user.display_name,
        "role": user.role.value,
        "badge": user.badge,
        "disabled_at": iso(user.disabled_at),
    }
