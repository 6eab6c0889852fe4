"""Reading an MBTiles file (SQLite; rows are in TMS order, so y is flipped)."""

from __future__ import annotations

import sqlite3
from functools import lru_cache


@lru_cache(maxsize=4)
def _connect(path: str) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


def read_tile(path: str, z: int, x: int, y: int) -> bytes | None:
    if not (0 <= z <= 22 and 0 <= x < 2**z and 0 <= y < 2**z):
        return None
    row = (
        _connect(path)
        .execute(
            "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
            (z, x, (2**z - 1) - y),
        )
        .fetchone()
    )
    return bytes(row[0]) if row else None


def attribution(path: str) -> str:
    try:
        row = (
            _connect(path).execute("SELECT value FROM metadata WHERE name='attribution'").fetchone()
        )
    except sqlite3.Error:
        return ""
    return row[0] if row else ""
