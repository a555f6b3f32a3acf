"""Builds frontend/static/frontend/icons.svg from the Lucide icons (ISC licence, see
LICENSE-lucide.txt beside this file). Run after ``npm pack lucide-static@0.460.0`` and
unpacking it:  python frontend/icons/build_sprite.py package/icons

The sprite is committed so the app needs no build step; this script only says how it was made.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

#: Our name -> Lucide's name. The names are what templates write: {% icon "bell" %}.
ICONS = {
    "menu": "menu", "close": "x", "bell": "bell", "search": "search", "home": "house",
    "spaces": "layout-grid", "chat": "messages-square", "message": "message-square",
    "file": "file-text", "folder": "folder", "calendar": "calendar-days",
    "poll": "calendar-check", "members": "users", "report": "chart-column",
    "user": "circle-user-round", "settings": "settings", "mail": "mail",
    "shield": "shield-check", "logout": "log-out", "globe": "globe", "plus": "plus",
    "edit": "pencil", "trash": "trash-2", "download": "download", "upload": "upload",
    "lock": "lock", "pin": "pin", "check": "check", "chevron-down": "chevron-down",
    "chevron-right": "chevron-right", "arrow-left": "arrow-left", "at": "at-sign",
    "info": "info", "alert": "triangle-alert", "clock": "clock", "map-pin": "map-pin",
    "video": "video", "reply": "reply", "smile": "smile-plus", "eye": "eye",
}

STROKE = ('fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" '
          'stroke-linejoin="round"')
_BODY = re.compile(r"<svg[^>]*>(.*)</svg>", re.DOTALL)


def build(source: Path) -> str:
    symbols = []
    for name, lucide in sorted(ICONS.items()):
        body = _BODY.search((source / f"{lucide}.svg").read_text())
        assert body, lucide
        inner = " ".join(line.strip() for line in body.group(1).splitlines() if line.strip())
        symbols.append(f'<symbol id="i-{name}" viewBox="0 0 24 24" {STROKE}>{inner}</symbol>')
    return ('<svg xmlns="http://www.w3.org/2000/svg" fill="none" stroke="currentColor" '
            'stroke-width="2" stroke-linecap="round" stroke-linejoin="round">\n'
            '<!-- Lucide v0.460.0, ISC licence: frontend/icons/LICENSE-lucide.txt -->\n'
            + "\n".join(symbols) + "\n</svg>\n")


if __name__ == "__main__":
    target = Path(__file__).resolve().parent.parent / "static" / "frontend" / "icons.svg"
    target.write_text(build(Path(sys.argv[1])))
