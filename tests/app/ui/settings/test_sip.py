"""Settings → call source → SIP line: fields saved (password kept like the SMTP one), bad input explained, and the
测试 button running the real ``check_line`` on the job runner against real baresip and a real registrar."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.calls.sources.sip import SipConfig
from app.settings import CallSourceSettings, Settings, load_settings
from app.ui.settings.source import CallSourceSection, join_account, split_account
from tests.app.calls.sip_peers import Registrar, free_udp_port, line_audio
from tests.app.calls.test_sources_sip import needs_baresip


@pytest.fixture
def test_settings(tmp_path: Path) -> Settings:
    # What the page does not show (how baresip plays sound) keeps its saved value: silence, no sound card.
    sip = SipConfig(audio_lines=line_audio(tmp_path / "line"), register_timeout_s=4.0, backoff_initial_s=0.2)
    return Settings(language="zh", first_run_done=True, call_source=CallSourceSettings(sip=sip))


@pytest.fixture
def section(qtbot, page_services) -> Iterator[CallSourceSection]:
    s = CallSourceSection(page_services)
    qtbot.addWidget(s)
    s.load(page_services.settings.value)
    s.retranslate()
    s.show()
    yield s


def _choose_sip(section: CallSourceSection) -> None:
    section.source_kind.setCurrentIndex(section.source_kind.findData("sip"))


def test_account_fields_round_trip() -> None:
    assert split_account("sip:8001@sip.example.com;transport=tcp") == ("sip.example.com", "8001")
    assert split_account("<sips:line1@127.0.0.1:5071>") == ("127.0.0.1:5071", "line1")
    assert join_account(" sip.example.com ", "8001") == "sip:8001@sip.example.com"


def test_sip_fields_show_only_for_a_sip_line(section) -> None:
    form = section._source_form
    assert not form.isRowVisible(section.sip_server)
    _choose_sip(section)
    for widget in section.sip_rows:
        assert form.isRowVisible(widget)
    assert form.isRowVisible(section.auto_hangup)
    assert section.auto_hangup.text() == "拦截的号码自动拒接（我方不振铃）"
    assert not form.isRowVisible(section.ncid_host)
    assert section.sip_password.echoMode() == section.sip_password.EchoMode.Password
    assert section.sip_transport.accessibleName() == "传输方式"


def test_saved_like_the_smtp_password_in_the_users_own_file(qtbot, section, page_services, data_dir: Path) -> None:
    _choose_sip(section)
    section.sip_server.setText("sip.example.com")
    section.sip_user.setText("8001")
    section.sip_password.setText("pa ss")
    section.sip_transport.setCurrentIndex(section.sip_transport.findData("tcp"))
    section.sip_auto_answer.setChecked(True)
    section.auto_hangup.setChecked(True)
    qtbot.mouseClick(section.source_save, Qt.MouseButton.LeftButton)
    saved = load_settings(data_dir)
    sip = saved.call_source.sip
    assert saved.call_source.kind == "sip" and saved.auto_hangup
    assert (sip.account, sip.password, sip.transport, sip.auto_answer) == (
        "sip:8001@sip.example.com",
        "pa ss",
        "tcp",
        True,
    )
    assert sip.audio_lines == page_services.settings.value.call_source.sip.audio_lines  # not shown, kept
    path = data_dir / "settings.json"
    assert json.loads(path.read_text(encoding="utf-8"))["smtp"]["password"] == ""  # same file, same place
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # Shown again as saved.
    section.load(saved)
    assert section.sip_server.text() == "sip.example.com" and section.sip_user.text() == "8001"


@pytest.mark.parametrize(
    ("server", "user", "password", "listen", "expected"),
    [
        ("", "8001", "", "0.0.0.0:5060", "请填写 SIP 服务器地址"),
        ("sip.example.com", "", "", "0.0.0.0:5060", "请填写 SIP 用户名"),
        ("sip.example.com", "8001", "x\nmodule_app evil.so", "0.0.0.0:5060", "不能用的字符"),
        ("sip.example.com", "8001", "", "5060", "地址:端口"),
    ],
)
def test_bad_sip_settings_are_explained_and_not_saved(
    qtbot, section, data_dir: Path, server: str, user: str, password: str, listen: str, expected: str
) -> None:
    _choose_sip(section)
    section.sip_server.setText(server)
    section.sip_user.setText(user)
    section.sip_password.setText(password)
    section.sip_listen.setText(listen)
    qtbot.mouseClick(section.source_save, Qt.MouseButton.LeftButton)
    assert section.sip_status.text().startswith("✖ ") and expected in section.sip_status.text()
    assert load_settings(data_dir).call_source.kind == "manual"  # nothing half-typed is used
    qtbot.mouseClick(section.sip_test, Qt.MouseButton.LeftButton)  # the test button checks the same way
    assert expected in section.sip_status.text()


def test_test_button_says_baresip_is_missing(qtbot, section, page_services) -> None:
    page_services.settings.update(
        call_source=CallSourceSettings(kind="manual", sip=SipConfig(program=str(Path("/nonexistent/baresip"))))
    )
    _choose_sip(section)
    section.sip_server.setText("127.0.0.1:5999")
    section.sip_user.setText("8001")
    qtbot.mouseClick(section.sip_test, Qt.MouseButton.LeftButton)
    assert page_services.jobs.names[-1] == "check-sip-line"  # through the job runner, off the GUI thread
    assert section.sip_status.text().startswith("✖ 没有找到 baresip"), section.sip_status.text()
    assert section.sip_test.isEnabled()


@needs_baresip
def test_test_button_direct_line_is_ready(qtbot, section) -> None:
    port = free_udp_port()
    _choose_sip(section)
    section.sip_server.setText(f"127.0.0.1:{port}")
    section.sip_user.setText("line1")
    section.sip_register.setChecked(False)
    section.sip_listen.setText(f"127.0.0.1:{port}")
    qtbot.mouseClick(section.sip_test, Qt.MouseButton.LeftButton)
    assert section.sip_status.text() == f"✔ SIP 线路 line1@127.0.0.1:{port} 已就绪（不注册，直接接听）"


@needs_baresip
@pytest.mark.parametrize(("password", "expected"), [("right", "✔ SIP 线路"), ("wrong", "✖ SIP 服务器拒绝了")])
def test_test_button_registers_or_names_the_wrong_password(qtbot, section, password: str, expected: str) -> None:
    registrar = Registrar({"8001": "right"}).start()
    try:
        port = free_udp_port()
        _choose_sip(section)
        section.sip_server.setText(f"127.0.0.1:{registrar.port}")
        section.sip_user.setText("8001")
        section.sip_password.setText(password)
        section.sip_listen.setText(f"127.0.0.1:{port}")
        qtbot.mouseClick(section.sip_test, Qt.MouseButton.LeftButton)
    finally:
        registrar.stop()
    assert section.sip_status.text().startswith(expected), section.sip_status.text()
    if password == "wrong":
        assert "请在设置中检查用户名和密码" in section.sip_status.text()


def test_sip_fields_in_english(qtbot, qapp, section) -> None:
    from app.i18n import install_language
    from app.ui.settings.audio import caller_side_help

    install_language(qapp, "en")  # the ui_lang fixture switches back to Chinese afterwards
    section.retranslate()
    _choose_sip(section)
    assert section.source_kind.currentText() == "SIP internet-phone line (through baresip)"
    assert section.sip_test.text() == "Test"
    assert section.auto_hangup.text() == "Refuse blocked numbers automatically (our phone does not ring)"
    assert section.sip_labels[section.sip_server].text() == "SIP server"
    assert caller_side_help("win32").startswith("Windows: in Sound settings")
    qtbot.mouseClick(section.source_save, Qt.MouseButton.LeftButton)  # server left empty
    assert section.sip_status.text() == "✖ Please enter the SIP server address (e.g. sip.example.com)"
