"""Inputs that take the server seconds of CPU: a densely recorded course, a 40-megapixel photo.

Shared by the tests that check the server keeps answering while it works on them and by
bench/offload.py, which measures how long and how much it stalls.
"""

from __future__ import annotations

import io
import math
import random

START = (40.6000, -74.0500)


def dense_course_gpx(points: int = 380_000, length_m: float = 42_195.0, seed: int = 7) -> bytes:
    """A winding course of `points` track points (11 cm apart for the defaults: about 15 MB),
    with a few centimetres of jitter, as a densified route or a 10 Hz recording gives."""
    rng = random.Random(seed)
    lat0, lon0 = START
    lat_per_m = 1 / 111_195.0
    lon_per_m = lat_per_m / math.cos(math.radians(lat0))
    step = length_m / (points - 1)
    x = y = 0.0
    heading = 0.3
    rows = ['<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="fieldops tests">']
    rows.append("<trk><name>dense</name><trkseg>")
    for i in range(points):
        if i:
            heading += 0.002 * math.sin(i / 3000)
            x += step * math.cos(heading)
            y += step * math.sin(heading)
        jx, jy = rng.uniform(-0.03, 0.03), rng.uniform(-0.03, 0.03)
        lat, lon = lat0 + (y + jy) * lat_per_m, lon0 + (x + jx) * lon_per_m
        rows.append(f'<trkpt lat="{lat:.7f}" lon="{lon:.7f}"/>')
    rows.append("</trkseg></trk></gpx>\n")
    return "\n".join(rows).encode()


def big_png(width: int = 8000, height: int = 5000, shade: int = 90) -> bytes:
    """A width x height PNG (40 megapixels for the defaults, under half a megabyte: gradients
    and lines compress well) that takes Pillow over a second to decode and re-encode.
    A different `shade` gives a different image."""
    from PIL import Image, ImageDraw

    ramp = Image.linear_gradient("L").resize((width, height))
    flat = Image.new("L", (width, height), shade)
    image = Image.merge("RGB", (ramp, ramp.transpose(Image.Transpose.ROTATE_180), flat))
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 400):
        draw.line([(x, 0), (width - x, height)], fill=(255, 0, 0), width=9)
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()
