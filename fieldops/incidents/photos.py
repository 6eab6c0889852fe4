"""Incident photos: checked by content, stored as an upright JPEG without metadata (pure)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError

from fieldops.errors import ApiError, NotFound

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2560
JPEG_QUALITY = 85
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")

# Pillow imports its ~50 format plugins on the first open. Done here, at start-up: photos are
# decoded in eventlet's tpool, which runs a call on the hub itself while any thread holds the
# import lock (offload.in_thread), so a first decode importing them would stall the others.
Image.init()


@dataclass(frozen=True)
class ProcessedPhoto:
    jpeg: bytes
    width: int
    height: int
    sha256: str  # of `jpeg`, the bytes we store


def process_photo(data: bytes | BinaryIO) -> ProcessedPhoto:
    """The stored form of an uploaded photo, or an ApiError (413 too large, 422 not an image)."""
    raw = _read_capped(data)
    try:
        image = _decode(raw)
        jpeg, (width, height) = _encode(image)
    except ApiError:
        raise
    # Pillow raises the error above 2x its own limit and warns above 1x. Whether the warning is an
    # exception depends on the warning filters, so we catch it here and, when it is only printed,
    # our own MAX_PIXELS check refuses the photo anyway. (warnings.catch_warnings would make this
    # quieter but swaps process-global state, which is not thread-safe on Python 3.11.)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large(f"photo is over the {MAX_PIXELS // 1_000_000} megapixel limit") from None
    except UnidentifiedImageError:
        raise _invalid("photo is not a JPEG, PNG, WebP or GIF image") from None
    # Hostile input makes Pillow raise almost anything (OSError, ValueError, SyntaxError,
    # struct.error, EOFError, IndexError...); each means we cannot use the photo.
    except Exception:
        raise _invalid("photo is a damaged or incomplete image") from None
    return ProcessedPhoto(jpeg, width, height, hashlib.sha256(jpeg).hexdigest())


def _read_capped(data: bytes | BinaryIO) -> bytes:
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
    else:
        chunks, wanted = [], MAX_BYTES + 1
        while wanted > 0 and (chunk := data.read(wanted)):
            chunks.append(chunk)
            wanted -= len(chunk)
        raw = b"".join(chunks)
    if len(raw) > MAX_BYTES:
        raise _too_large(f"photo is over {MAX_BYTES // (1024 * 1024)} MB")
    if not raw:
        raise _invalid("photo is empty")
    return raw


def _decode(raw: bytes) -> Image.Image:
    """The first frame, fully decoded; the size is checked from the header before any pixel."""
    image = Image.open(io.BytesIO(raw), formats=FORMATS)
    width, height = image.size
    if width * height > MAX_PIXELS:
        limit = MAX_PIXELS // 1_000_000
        raise _too_large(f"photo is {width}x{height} pixels, over the {limit} megapixel limit")
    image.load()
    return image


def _encode(image: Image.Image) -> tuple[bytes, tuple[int, int]]:
    image = ImageOps.exif_transpose(image)
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, "white")
        image.paste(rgba, mask=rgba.getchannel("A"))
    else:
        image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # convert() copies info, and the JPEG writer would carry its comment over.
    image.info.clear()
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue(), image.size


def _invalid(message: str) -> ApiError:
    return ApiError(message, code="invalid_image", field="photo", status=422)


def _too_large(message: str) -> ApiError:
    return ApiError(message, code="photo_too_large", field="photo", status=413)


def store(processed: ProcessedPhoto, instance_path: str, folder: str) -> str:
    """Write the re-encoded JPEG under instance/<folder>/<sha256>.jpg (whole or not at all:
    through a temporary file); the path to record, relative to the instance folder."""
    relative = f"{folder}/{processed.sha256}.jpg"
    target = Path(instance_path) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".part")
    temporary.write_bytes(processed.jpeg)
    temporary.replace(target)
    return relative


def store_once(
    model,
    owner: str,
    owner_id: int,
    processed: ProcessedPhoto,
    *,
    by: int,
    instance_path: str,
    folder: str,
):
    """Store the image and record it as a `model` row of its owner (`owner` names the owner's
    id column) once per owner and image: (row, True) new, (the row already stored, False).
    The UNIQUE (owner, sha256) constraint decides, not a lookup, so a retry whose answer was
    lost finds its photo."""
    from sqlalchemy import select

    from fieldops.db import insert_once, utcnow

    relative = store(processed, instance_path, folder)
    row = model(
        **{owner: owner_id},
        uploaded_by_id=by,
        path=relative,
        sha256=processed.sha256,
        width=processed.width,
        height=processed.height,
        size=len(processed.jpeg),
        created_at=utcnow(),
    )
    column = getattr(model, owner)
    return insert_once(
        row, select(model).where(column == owner_id, model.sha256 == processed.sha256)
    )


def stored_path(photo, instance_path: str) -> Path:
    """Where a recorded photo (any kind: it has `id` and `path`) is; NotFound if it is gone."""
    path = (Path(instance_path) / photo.path).resolve()
    if not path.is_file():
        raise NotFound(f"photo {photo.id} is missing from storage")
    return path
