"""Incident photos: only real images get in, and what we store is a clean, upright, bounded JPEG."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import struct
import time
import zlib

import pytest
from PIL import ExifTags, Image

from fieldops.errors import ApiError
from fieldops.incidents.photos import MAX_BYTES, MAX_PIXELS, ProcessedPhoto, process_photo

RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)


# --- files made here, real and hostile -------------------------------------------------------


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def halves(width: int, height: int, left=RED, right=BLUE) -> Image.Image:
    image = Image.new("RGB", (width, height), left)
    image.paste(right, (width // 2, 0, width, height))
    return image


def cut_in_half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def phone_jpeg() -> bytes:
    """400x200 as stored by the sensor, EXIF says rotate 90 degrees clockwise to view (6)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "FieldCam"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (40.0, 26.0, 46.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (79.0, 58.0, 56.0),
        ExifTags.GPS.GPSProcessingMethod: b"ASCII\x00\x00\x00GPS fix from FieldCam",
    }
    return encode(
        halves(400, 200),
        "JPEG",
        exif=exif,
        comment=b"shot at GPS 40.44,-79.98",
        icc_profile=b"fake ICC profile bytes",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">GPS</x:xmpmeta>',
    )


def png_of_size(width: int, height: int) -> bytes:
    """A real, all-black 1-bit PNG: a few KB on disk however many pixels it claims."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    packer, rows_per_block = zlib.compressobj(9), max(1, 4_000_000 // len(row))
    blocks = [
        packer.compress(row * min(rows_per_block, height - start))
        for start in range(0, height, rows_per_block)
    ]
    idat = b"".join(blocks) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def jpeg_markers(data: bytes) -> list[int]:
    """The JPEG segment markers up to the start of scan (where metadata would live)."""
    assert data[:2] == b"\xff\xd8"
    markers, pos = [], 2
    while data[pos + 1] != 0xDA:
        marker, length = data[pos + 1], struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        markers.append(marker)
        pos += 2 + length
    return markers


class UploadStream(io.RawIOBase):
    """An endless upload that hands out at most 64 KB per read and counts what it gave."""

    def __init__(self, head: bytes = b"\xff\xd8\xff"):
        self.head, self.given = head, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        size = min(len(buffer), 64 * 1024)
        data = (self.head[self.given :] + b"\x00" * size)[:size]
        buffer[:size] = data
        self.given += size
        return size


def refused(data, *, status: int, code: str) -> ApiError:
    with pytest.raises(ApiError) as caught:
        process_photo(data)
    assert (caught.value.status, caught.value.code, caught.value.field) == (status, code, "photo")
    return caught.value


def opened(photo: ProcessedPhoto) -> Image.Image:
    image = Image.open(io.BytesIO(photo.jpeg))
    assert image.format == "JPEG" and image.mode == "RGB"
    assert image.size == (photo.width, photo.height)
    return image


def near(actual, expected, tolerance: int = 40) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


# --- real photos come back clean -------------------------------------------------------------


def test_phone_photo_is_stored_upright_without_any_metadata():
    upload = phone_jpeg()
    assert all(secret in upload for secret in (b"Exif", b"GPS", b"FieldCam"))
    assert {0xE1, 0xE2, 0xFE} <= set(jpeg_markers(upload))  # EXIF/XMP, ICC and a comment going in

    photo = process_photo(upload)

    image = opened(photo)
    assert (photo.width, photo.height) == (200, 400)  # orientation 6 applied: sides swapped
    assert near(image.getpixel((100, 50)), RED)  # the sensor's left half is now on top
    assert near(image.getpixel((100, 350)), BLUE)
    assert len(image.getexif()) == 0
    assert not {"exif", "icc_profile", "comment", "xmp"} & image.info.keys()
    assert b"Exif" not in photo.jpeg and b"GPS" not in photo.jpeg and b"FieldCam" not in photo.jpeg
    # Only the JFIF header and what a decoder needs: no APP1 (EXIF/XMP), APP2 (ICC) or comment.
    assert set(jpeg_markers(photo.jpeg)) <= {0xE0, 0xDB, 0xC0, 0xC2, 0xC4, 0xDD}


def test_the_result_names_its_own_bytes_and_cannot_be_changed():
    photo = process_photo(phone_jpeg())

    assert photo.sha256 == hashlib.sha256(photo.jpeg).hexdigest()
    with pytest.raises(dataclasses.FrozenInstanceError):
        photo.width = 1  # type: ignore[misc]


def test_a_stream_is_accepted_as_well_as_bytes():
    upload = io.BytesIO(phone_jpeg())
    upload.name = "IMG_0001.JPG"

    assert process_photo(upload) == process_photo(phone_jpeg())


def test_transparent_png_is_flattened_on_white():
    image = Image.new("RGBA", (100, 50), (0, 0, 0, 0))
    image.paste((255, 0, 0, 255), (0, 0, 50, 50))

    stored = opened(process_photo(encode(image, "PNG")))

    assert near(stored.getpixel((25, 25)), RED)
    assert near(stored.getpixel((75, 25)), WHITE)


def test_palette_png_with_a_transparent_colour_is_flattened_on_white():
    image = halves(100, 50).convert("P", palette=Image.Palette.ADAPTIVE, colors=2)
    blue_index = image.getpixel((75, 25))

    stored = opened(process_photo(encode(image, "PNG", transparency=blue_index)))

    assert near(stored.getpixel((25, 25)), RED)
    assert near(stored.getpixel((75, 25)), WHITE)


def test_webp_is_accepted():
    photo = process_photo(encode(halves(300, 200), "WEBP", quality=90))

    image = opened(photo)
    assert (photo.width, photo.height) == (300, 200)
    assert near(image.getpixel((50, 100)), RED) and near(image.getpixel((250, 100)), BLUE)


def test_cmyk_jpeg_is_stored_as_rgb():
    photo = process_photo(encode(Image.new("CMYK", (64, 64), (0, 255, 255, 0)), "JPEG"))

    assert near(opened(photo).getpixel((32, 32)), RED)


def test_animated_gif_keeps_only_its_first_frame():
    frames = [Image.new("RGB", (60, 40), colour) for colour in (RED, BLUE, BLUE)]
    gif = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)

    photo = process_photo(gif)

    assert (photo.width, photo.height) == (60, 40)
    assert near(opened(photo).getpixel((30, 20)), RED)


def test_big_photo_is_downscaled_to_2560_on_its_long_side_keeping_its_shape():
    photo = process_photo(encode(halves(6000, 1000), "JPEG", quality=70))

    assert photo.width == 2560 and abs(photo.height - 427) <= 1


def test_portrait_photo_is_bounded_by_its_height_and_small_photos_are_not_enlarged():
    portrait = process_photo(encode(halves(1000, 4000), "PNG"))
    small = process_photo(encode(halves(320, 240), "PNG"))

    assert (portrait.width, portrait.height) == (640, 2560)
    assert (small.width, small.height) == (320, 240)


# --- anything that is not a usable image is a 422 --------------------------------------------

NOT_IMAGES = {
    "text named photo.jpg": b"this is not a photo, it is a note\n",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>",
    "pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    "html": b"<!doctype html><html><body><img src=x onerror=alert(1)></body></html>",
    "zip": b"PK\x03\x04" + b"\x00" * 60,
    "bmp (a real image, not allowed)": encode(Image.new("RGB", (8, 8)), "BMP"),
    "tiff (a real image, not allowed)": encode(Image.new("RGB", (8, 8)), "TIFF"),
}


@pytest.mark.parametrize("data", NOT_IMAGES.values(), ids=NOT_IMAGES.keys())
def test_non_images_are_refused_by_their_content(data):
    upload = io.BytesIO(data)
    upload.name = "photo.jpg"

    error = refused(upload, status=422, code="invalid_image")

    assert error.message == "photo is not a JPEG, PNG, WebP or GIF image"


def test_empty_upload_is_refused():
    assert refused(b"", status=422, code="invalid_image").message == "photo is empty"


DAMAGED = {
    # Noise makes the compressed pixel data large, so the cut loses real pixels.
    "truncated jpeg": cut_in_half(encode(Image.effect_noise((640, 480), 80), "JPEG", quality=95)),
    "truncated png": encode(Image.effect_noise((200, 200), 80), "PNG")[:3000],
    "png signature then html": b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>",
    "jpeg header then garbage": b"\xff\xd8\xff\xe0" + b"\x13\x37" * 500,
    "gif header only": b"GIF89a\x10\x00\x10\x00\x00\x00\x00",
}


@pytest.mark.parametrize("data", DAMAGED.values(), ids=DAMAGED.keys())
def test_damaged_images_are_refused_not_crashed_on(data):
    error = refused(data, status=422, code="invalid_image")

    assert error.message in {
        "photo is a damaged or incomplete image",
        "photo is not a JPEG, PNG, WebP or GIF image",
    }


def test_bytes_after_the_end_of_a_jpeg_are_accepted_and_dropped():
    """Decoders stop at the end-of-image marker; re-encoding leaves the trailer behind."""
    payload = b"<script>alert('trailer')</script>" + b"PK\x03\x04zip-polyglot"

    photo = process_photo(encode(halves(80, 60), "JPEG") + payload)

    assert (photo.width, photo.height) == (80, 60)
    assert b"script" not in photo.jpeg and b"PK\x03\x04" not in photo.jpeg


def test_html_hidden_in_a_jpeg_comment_does_not_reach_the_stored_file():
    polyglot = encode(halves(80, 60), "JPEG", comment=b"<html><script>alert(1)</script></html>")

    assert b"script" not in process_photo(polyglot).jpeg


# --- size limits: 10 MB of input, 40 megapixels ----------------------------------------------


def test_exactly_10_mb_is_accepted_and_one_byte_more_is_a_413():
    jpeg = encode(halves(80, 60), "JPEG")
    padded = jpeg + b"\x00" * (MAX_BYTES - len(jpeg))

    assert process_photo(padded).width == 80
    error = refused(padded + b"\x00", status=413, code="photo_too_large")
    assert "10 MB" in error.message


def test_11_mb_upload_is_a_413_as_bytes():
    refused(b"\xff\xd8\xff" + b"\x00" * (11 * 1024 * 1024), status=413, code="photo_too_large")


def test_11_mb_stream_is_a_413_without_reading_past_the_limit():
    upload = UploadStream()

    refused(upload, status=413, code="photo_too_large")

    assert upload.given == MAX_BYTES + 1


def test_exactly_40_megapixels_is_accepted():
    assert 8000 * 5000 == MAX_PIXELS

    photo = process_photo(png_of_size(8000, 5000))

    assert (photo.width, photo.height) == (2560, 1600)
    assert opened(photo).getpixel((1280, 800)) == (0, 0, 0)


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (8000, 5001),  # one row over our limit, under Pillow's
        (10_000, 10_000),  # over Pillow's warning limit (about 89 MP)
        (20_000, 20_000),  # over Pillow's error limit: a classic decompression bomb
    ],
)
def test_more_than_40_megapixels_is_a_413_decided_from_the_header(width, height):
    bomb = png_of_size(width, height)
    assert len(bomb) < 100_000

    started = time.perf_counter()
    error = refused(bomb, status=413, code="photo_too_large")

    assert time.perf_counter() - started < 0.5
    assert "over the 40 megapixel limit" in error.message


def test_a_bomb_is_a_413_even_when_pillows_warning_is_only_printed():
    with pytest.warns(Image.DecompressionBombWarning):
        error = refused(png_of_size(10_000, 10_000), status=413, code="photo_too_large")

    assert error.message == "photo is 10000x10000 pixels, over the 40 megapixel limit"
