"""Draws the PNG app icons and favicon.ico from the same geometry as app/icon.svg (Pillow
cannot read SVG): a rounded teal square, a white "M", an amber dot. Run once after changing
the mark:  python frontend/icons/build_app_icons.py"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = (11, 79, 108)
AMBER = (242, 181, 68)
TARGET = Path(__file__).resolve().parent.parent / "static" / "frontend" / "app"


def draw(size: int, *, maskable: bool = False) -> Image.Image:
    scale = 4  # drawn large, then reduced: smooth edges without an SVG renderer
    unit = size * scale / 64
    image = Image.new("RGBA", (size * scale, size * scale), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        # The platform cuts its own shape: fill the square, keep the mark in the safe zone.
        pen.rectangle((0, 0, size * scale, size * scale), fill=BRAND)
        unit *= 0.8
        offset = size * scale * 0.1
    else:
        pen.rounded_rectangle((0, 0, size * scale - 1, size * scale - 1), radius=14 * unit,
                              fill=BRAND)
        offset = 0.0

    def at(x: float, y: float) -> tuple[float, float]:
        return (offset + x * unit, offset + y * unit)

    points = [at(17, 45), at(17, 21), at(32, 35), at(47, 21), at(47, 45)]
    pen.line(points, fill="white", width=round(6 * unit), joint="curve")
    for x, y in (points[0], points[-1]):
        radius = 3 * unit
        pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill="white")
    cx, cy = at(49, 15)
    pen.ellipse((cx - 5 * unit, cy - 5 * unit, cx + 5 * unit, cy + 5 * unit), fill=AMBER)
    return image.resize((size, size), Image.Resampling.LANCZOS)


if __name__ == "__main__":
    for size in (32, 180, 192, 512):
        draw(size).save(TARGET / f"icon-{size}.png", optimize=True)
    draw(512, maskable=True).save(TARGET / "icon-maskable-512.png", optimize=True)
    draw(48).save(TARGET / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
