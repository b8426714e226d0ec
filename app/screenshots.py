"""``callshield --screenshot DIR``: every page (and the wizard, large text, English) rendered offscreen into PNG
files, on a throw-away data dir with demo calls. A start-up tool like :mod:`app.gui`, so it may build the UI."""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.cli.context import CliContext
    from app.services import AppServices

from app.errors import install_qt_logging
from app.gui import apply_ui_settings, build_window, make_app
from app.operations import DataArea

log = logging.getLogger(__name__)


# ------------------------------------------------------------------------------------- screenshots
SCREEN_SIZE = (1180, 800)

DEMO_SCRIPT = (
    "喂，您好，我是北京市公安局的民警。",
    "您的身份证涉嫌一起洗钱案件，现在需要配合调查。",
    "请不要告诉任何人，把钱转到安全账户里进行资金核查。",
)


# A second line heard on two channels (a softphone PC): what each side says, one sentence per second of audio.
DEMO_CALLER = ("您好，我是快递公司的，您有一个包裹放在门口了。", "麻烦您确认一下收件地址。")
DEMO_US = ("好的，谢谢。", "提醒您，不要把验证码告诉任何人。")


class _DemoRecognizer:
    """Says the next demo sentence for each second of audio (the screenshots have no microphone or model)."""

    def __init__(self, sentences: tuple[str, ...]) -> None:
        self._left = list(sentences)
        self._heard = 0
        self._t = 0.0
        self._text = ""

    def accept(self, pcm: bytes) -> bool:
        self._heard += len(pcm)
        if self._heard < 32000 or not self._left:
            return False
        self._heard = 0
        self._text = self._left.pop(0)
        self._t += 1.0
        return True

    def partial(self) -> str:
        return ""

    def result(self) -> Any:
        from speech.recognizer import RecognitionResult, Word

        return RecognitionResult(self._text, (Word(self._text, self._t - 1.0, self._t, 1.0),))

    def final(self) -> Any:
        from speech.recognizer import RecognitionResult

        return RecognitionResult("")


def listen_demo(services: AppServices, line: str) -> None:
    """Hear ``line`` on both sides (对方 / 我方) with the demo sentences: our agent's warning is shown, never alerts."""
    from app.settings import devices_for_line
    from speech.audio import ArraySource

    silence = bytes(2 * 16000 * (len(DEMO_CALLER) + 1))
    # the card names the devices the line's settings give it, as a real call on them would
    services.calls.lines[line].devices = devices_for_line(services.settings.value, line)
    services.calls.listen_two_sided(
        line, ArraySource(silence), ArraySource(silence), _DemoRecognizer(DEMO_CALLER), _DemoRecognizer(DEMO_US)
    )


def shot_settings_lines(window: Any, settle: Any, save: Any) -> None:
    """Settings with a SIP line being set up (typed, not saved) and the two devices of a line (对方 / 我方)."""
    from PySide6.QtWidgets import QScrollArea

    page: Any = window.show_page("settings")
    source = page.source
    source.source_kind.setCurrentIndex(source.source_kind.findData("sip"))
    source.sip_server.setText("sip.example.com")
    source.sip_user.setText("8001")
    source.sip_password.setText("example")
    settle()
    scroll = page.findChild(QScrollArea)
    if scroll is not None:
        scroll.verticalScrollBar().setValue(source.y() - 8)
    settle()
    save(window, "11_settings_sip.png")
    if scroll is not None:
        scroll.verticalScrollBar().setValue(page.audio.y() - 8)
    settle()
    save(window, "12_settings_audio.png")
    if scroll is not None:
        scroll.verticalScrollBar().setValue(page.audio.y() + page.audio.lines.y() - 8)
    settle()
    save(window, "12b_settings_line_devices.png")
    source.load(page.services.settings.value)  # nothing typed here is kept


def seed_demo(services: AppServices) -> None:
    """Demo content for screenshots: family numbers, a blocked number, a few past calls."""
    from app.settings import LineDevices

    services.settings.update(  # a small call centre: two lines with their own headsets (names as saved)
        line_devices=(
            LineDevices("1", caller_device="pulse:headset1.monitor", us_device="USB Headset 1, MME"),
            LineDevices("2", caller_device="pulse:headset2.monitor", us_device="USB Headset 2, MME"),
        )
    )
    store = services.store()
    store.add("allow", "13800138000", note="女儿 / daughter")
    store.add("block", "02161234567", category="fraud", note="冒充公安 / fake police")
    history = services.history()
    screener = services.make_screener()
    for number in ("13800138000", "4008123123", "+85296110123", "02161234567"):
        verdict = screener.screen(number)
        history.add_call(
            number, source="modem", line="1", level=verdict.level, score=verdict.score, reasons=list(verdict.reasons)
        )


def seed_subscriptions(services: AppServices, folder: Path) -> None:
    """Demo community lists: a publisher signs two bundles (real publish code, a throw-away key) and the app
    subscribes to both; the second was published ten days ago for a week, so it shows the expiry warning."""
    from datetime import datetime, timedelta, timezone

    from app.operations import community
    from blocklists.db import open_db
    from blocklists.store import ListStore
    from blocklists.subscriptions import bundle
    from blocklists.subscriptions import subscribe as subs
    from blocklists.subscriptions.minisign import generate_secret_key

    key = generate_secret_key()
    publisher = ListStore(open_db(folder / "publisher.db"))
    long_ago = datetime.now(timezone.utc) - timedelta(days=10)
    try:
        publisher.create_list("nantong", "block", title_zh="南通社区反诈名单", title_en="Nantong community list")
        for number in ("13912345001", "13912345002", "16512345678"):  # none of them in the other pages' demos
            publisher.add("nantong", number, "fraud", note="冒充客服 / fake customer service")
        publisher.add("nantong", "05138765??", "fraud", note="租用号段 / rented range")
        bundle.publish(publisher, "nantong", folder / "nantong", key, publisher="南通市反诈志愿者协会")
        community.subscribe(services.db_path, str(folder / "nantong"), key.public_key)
        publisher.create_list("jiedao", "block", title_zh="崇川街道名单", title_en="Chongchuan street list")
        publisher.add("jiedao", "05138000111", "harassment", note="推销 / sales calls")
        bundle.publish(publisher, "jiedao", folder / "jiedao", key, publisher="崇川街道居委会", now=long_ago,
                       valid_for=timedelta(days=7))  # fmt: skip
        subs.subscribe(services.store(), str(folder / "jiedao"), key.public_key.line(), now=long_ago)
    finally:
        publisher.db.conn.close()
    services.notify_changed(DataArea.SUBSCRIPTIONS)


def write_phone_backup(folder: Path) -> Path:
    """A small SMS Backup & Restore backup of a parent's phone (the last two weeks) for the 家人报告 page."""
    import time
    from xml.sax.saxutils import quoteattr

    folder.mkdir(parents=True, exist_ok=True)
    now_ms = int(time.time() * 1000)
    day = 86_400_000
    calls = [("13912345678", 1, "儿子"), ("95588", 2, "工商银行"), ("+85296110", 3, ""), ("95275012", 5, ""),
             ("10690000123", 8, ""), ("02151234567", 9, "社区医院")]  # fmt: skip
    sms = [("95588", 1, "【工商银行】您尾号1234的卡消费58.00元，余额3,250.00元。"),
           ("10690000123", 2, "【优选商城】诚聘兼职刷单，日结200元，动动手指在家赚钱，详情加QQ 3344556677"),
           ("10086", 4, "【中国移动】您的积分即将清零，请登录 http://10086-jf.top 兑换现金"),
           ("17012345678", 6, "妈，我手机掉了，这是我新号，加我微信 abc12345 急用钱"),
           ("13912345678", 7, "妈，周末我们带孩子回来吃饭")]  # fmt: skip
    lines = [f'<calls count="{len(calls)}">']
    lines += [
        f'<call number="{n}" duration="60" date="{now_ms - d * day}" type="1" presentation="1"'
        f" contact_name={quoteattr(name or '(Unknown)')} />"
        for n, d, name in calls
    ]
    (folder / "calls-demo.xml").write_text("\n".join([*lines, "</calls>"]), encoding="utf-8")
    lines = [f'<smses count="{len(sms)}">']
    lines += [f'<sms address="{a}" date="{now_ms - d * day}" type="1" body={quoteattr(b)} />' for a, d, b in sms]
    (folder / "sms-demo.xml").write_text("\n".join([*lines, "</smses>"]), encoding="utf-8")
    return folder


def shot_family_report(window: Any, services: AppServices, folder: Path, settle: Any, wait_idle: Any,
                       save: Any) -> None:  # fmt: skip
    """家人报告: a parent's phone backup imported through the page, normal and large text (scrolled to the cards)."""
    from app.operations import phone as phone_ops

    phone_ops.add_profile(services.data_dir, "妈妈的手机")
    page: Any = window.show_page("family")
    page.load_profiles("妈妈的手机")
    wait_idle(services)
    page.prepare_screenshot()
    page.import_paths([str(write_phone_backup(folder))])
    wait_idle(services)
    settle(300)
    save(window, "13_family_report.png")
    services.settings.update(large_text=True)
    settle(300)
    wait_idle(services)
    page.body_scroll.verticalScrollBar().setValue(page.numbers_title.y() - 8)
    settle()
    save(window, "14_family_report_large_text.png")
    services.settings.update(large_text=False)
    page.body_scroll.verticalScrollBar().setValue(0)
    settle()


def take_screenshots(out_dir: Path, ctx: CliContext | None = None) -> int:
    """Render every page (and the wizard, large text, English) offscreen into PNG files in ``out_dir``."""
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from app.services import build_services
    from app.settings import Settings
    from screening.types import TranscriptSegment

    out_dir.mkdir(parents=True, exist_ok=True)
    app = make_app()
    install_qt_logging()
    written: list[Path] = []

    def settle(ms: int = 150) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        QCoreApplication.processEvents()

    def wait_idle(services: AppServices, timeout_s: float = 30.0) -> None:
        import time

        end = time.monotonic() + timeout_s
        while not services.jobs.is_idle() and time.monotonic() < end:
            settle(50)
        settle(100)

    def save(widget: Any, name: str) -> None:
        path = out_dir / name
        widget.grab().save(str(path))
        written.append(path)

    with tempfile.TemporaryDirectory(prefix="callshield-shots-") as tmp:
        for lang in ("zh", "en"):
            data_dir = Path(tmp) / lang
            settings = Settings(language=lang, first_run_done=True)  # defaults, as a new user sees them
            apply_ui_settings(app, settings)
            services = build_services(data_dir, settings)
            services.alerts.muted = True  # banner yes; no tone, tray pop-up or e-mail while rendering
            try:
                seed_demo(services)
                window = build_window(app, services)
                window.show_at(*SCREEN_SIZE)  # (not maximised, as a first start on a small screen opens)
                window.show()
                settle()
                calls = services.calls
                if calls is not None:
                    calls.simulate_call("13912345678", line="2")  # a calm line, heard on two channels
                    wait_idle(services)
                    listen_demo(services, "2")
                    settle(300)
                    calls.simulate_call("95275012", line="1")
                    wait_idle(services)
                    for i, text in enumerate(DEMO_SCRIPT):
                        calls.feed_segment("1", TranscriptSegment(text, True, i * 4.0, i * 4.0 + 3.5))
                        wait_idle(services)
                    settle(300)
                    wait_idle(services)
                # after the demo call, so the other pages look as before; shown on 名单 (04 and 11)
                seed_subscriptions(services, Path(tmp) / f"bundles-{lang}")
                wait_idle(services)
                pages = [spec.key for spec in _pages() if spec.key != "family"]  # family: 13/14, below
                suffix = "" if lang == "zh" else "_en"
                for i, key in enumerate(pages, start=1):
                    page = window.show_page(key)
                    prepare = getattr(page, "prepare_screenshot", None)
                    if callable(prepare):
                        try:
                            prepare()
                        except Exception:
                            log.exception("prepare_screenshot failed on %s", key)
                    wait_idle(services)
                    settle()
                    save(window, f"{i:02d}_{key}{suffix}.png")
                    if lang == "en":
                        break  # one English page is enough to show the translation
                if lang == "zh":
                    lists: Any = window.show_page("lists")
                    lists.tabs.setCurrentWidget(lists.subscriptions)
                    wait_idle(services)
                    settle()
                    save(window, "11_lists_subscriptions.png")
                    lists.tabs.setCurrentIndex(0)
                    shot_settings_lines(window, settle, save)
                    shot_family_report(window, services, Path(tmp) / "phone-backup", settle, wait_idle, save)
                    services.settings.update(large_text=True)
                    live: Any = window.show_page("live")
                    settle(300)
                    for card in getattr(live, "cards", {}).values():
                        card.show_transcript()  # the highlighted evidence, under the verdict that stays in view
                    settle()
                    save(window, "07_live_large_text.png")
                    services.settings.update(large_text=False)
                    settle()
                    from app.ui.wizard import FirstRunWizard

                    wizard = FirstRunWizard(services)
                    wizard.show()
                    settle()
                    save(wizard, "08_wizard.png")
                    wizard.next()
                    wizard.family_page.numbers.setPlainText(
                        "13800138000 女儿\n021-61234567 社区网格员\n139 1234 5678 老伴"
                    )
                    settle()
                    save(wizard, "09_wizard_family.png")
                    wizard.reject()
                    from app.ui.widgets import ErrorDetailsDialog

                    try:
                        raise FileNotFoundError(2, "No such file", "/home/me/录音/通话.m4a")
                    except FileNotFoundError as exc:
                        dialog = ErrorDetailsDialog.from_exception(exc, parent=window, log_path=str(services.log_path))
                    dialog.toggle_button.setChecked(True)
                    dialog.show()
                    settle()
                    save(dialog, "10_error_dialog.png")
                    dialog.close()
                window.close()
                settle()
            finally:
                services.close()
        apply_ui_settings(app, Settings(language="zh"))
    out = ctx.out if ctx is not None else sys.stdout
    for path in written:
        print(path, file=out)
    return 0


def _pages() -> tuple[Any, ...]:
    from app.ui.main_window import PAGES

    return PAGES
