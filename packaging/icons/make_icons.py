"""Render the app icon (app/resources/icons/app.svg) into the PNG, ICO and ICNS files the installers need.

One drawing for the window, the tray, the installer and the dock: the window loads the SVG itself.

    python packaging/icons/make_icons.py   # writes callshield.png (1024 px), callshield.ico, callshield.icns

Qt's SVG renderer (PySide6.QtSvg, already a dependency) rasterises; Pillow (``build`` extra) writes the
multi-size Windows .ico and the macOS .icns.  The outputs are committed so a build needs neither step.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SVG = HERE.parent.parent / "app" / "resources" / "icons" / "app.svg"
PNG = HERE / "callshield.png"  # 1024 px master, also used for Linux .desktop files
ICO = HERE / "callshield.ico"
ICNS = HERE / "callshield.icns"
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render_png(svg: Path, size: int) -> bytes:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"invalid SVG: {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def main() -> int:
    from PIL import Image

    images = {size: Image.open(io.BytesIO(render_png(SVG, size))).convert("RGBA") for size in ICNS_SIZES + ICO_SIZES}
    images[1024].save(PNG, optimize=True)
    # Each size rendered from the vector, not downscaled, so small icons stay crisp.
    images[256].save(ICO, format="ICO", sizes=[(s, s) for s in ICO_SIZES], append_images=[images[s] for s in ICO_SIZES])
    images[1024].save(ICNS, format="ICNS", append_images=[images[s] for s in ICNS_SIZES if s != 1024])
    for path in (PNG, ICO, ICNS):
        print(f"{path.name}: {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
