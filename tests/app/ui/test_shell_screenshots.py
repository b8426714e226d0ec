"""``callshield --screenshot DIR`` through the real command: every page rendered offscreen into a PNG."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from app.screenshots import SCREEN_SIZE

EXPECTED = {
    "01_live.png",
    "02_check.png",
    "03_recordings.png",
    "04_lists.png",
    "05_history.png",
    "06_settings.png",
    "07_live_large_text.png",
    "08_wizard.png",
    "09_wizard_family.png",
    "10_error_dialog.png",
    "11_lists_subscriptions.png",
    "11_settings_sip.png",
    "12_settings_audio.png",
    "12b_settings_line_devices.png",
    "13_family_report.png",
    "14_family_report_large_text.png",
    "01_live_en.png",
}


def test_screenshot_command_renders_every_page(run_cli, tmp_path: Path, data_dir: Path, qapp) -> None:
    out = tmp_path / "shots"
    result = run_cli("--screenshot", str(out), env={"QT_QPA_PLATFORM": "offscreen"}, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    written = {p.name for p in out.glob("*.png")}
    assert written == EXPECTED
    for name in EXPECTED:
        image = QImage(str(out / name))
        assert not image.isNull() and image.width() >= 500 and image.height() >= 400, name
        if name.startswith(("01_", "02_", "03_")):  # the window as sized, not maximised on the small test screen
            assert (image.width(), image.height()) == SCREEN_SIZE, name
        # not a blank frame: many distinct colours (text, icons, banners)
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
        assert len(colours) > 20, name
    assert {line.strip() for line in result.stdout.splitlines() if line.strip()} == {str(out / n) for n in EXPECTED}
    # the throw-away demo data never touches the user's data dir
    assert not (data_dir / "callshield.db").exists()
