"""First-run wizard: finishes with Enter alone, adds family numbers to the allowlist, reports bad lines."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from app.settings import Settings, load_settings
from app.ui.wizard import FirstRunWizard, parse_family_numbers
from screening.types import Level


@pytest.fixture
def test_settings() -> Settings:
    return Settings(language="zh", first_run_done=False, alert_sound=False, tray_notifications=False)


@pytest.fixture
def wizard(qtbot, services) -> FirstRunWizard:
    w = FirstRunWizard(services)
    qtbot.addWidget(w)
    w.show()
    return w


def test_parse_family_numbers_keeps_names_and_reports_bad_lines(qtbot, services) -> None:
    good, problems = parse_family_numbers("13800138000 女儿\n021-61234567，社区\n\n手机号忘了\n+86 139 1234 5678")
    assert [(f.number, f.name) for f in good] == [
        ("13800138000", "女儿"),
        ("021-61234567", "社区"),
        ("+86 139 1234 5678", ""),
    ]
    assert len(problems) == 1 and problems[0].startswith("第 4 行")


def test_enter_four_times_finishes_with_safe_defaults(qtbot, services, data_dir, wizard) -> None:
    started = time.monotonic()
    for _ in range(4):
        qtbot.keyClick(wizard, Qt.Key.Key_Return)
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert time.monotonic() - started < 60  # the "under a minute", with no typing at all
    saved = load_settings(data_dir)
    assert saved.first_run_done and saved.language == "zh" and saved.call_source.kind == "manual"
    assert saved.model_path is None  # skipped: number screening only


def test_family_numbers_are_trusted_after_finish(qtbot, services, wizard, wait_jobs) -> None:
    wizard.next()
    wizard.family_page.numbers.setPlainText("13800138000 女儿\n这不是号码\n95275012 银行客服")
    assert "这不是号码" in wizard.family_page.problems.text()
    wizard.next()
    wizard.next()
    wizard.source_page.ncid.setChecked(True)
    wizard.source_page.ncid_host.setText("192.168.1.20")
    wizard.accept()
    wait_jobs()
    store = services.store()
    entry = store.find("allow", "13800138000")
    assert entry is not None and entry.note == "女儿"
    assert store.find("allow", "95275012") is not None
    assert [f.number for f in wizard.added_numbers] == ["13800138000", "95275012"]
    assert services.make_screener().screen("13800138000").level is Level.ALLOW
    source = services.settings.value.call_source
    assert source.kind == "ncid" and source.ncid_host == "192.168.1.20"


def test_choosing_english_switches_the_wizard_at_once(qtbot, services, wizard) -> None:
    wizard.language_page.en.setChecked(True)
    try:
        qtbot.waitUntil(lambda: wizard.buttonText(QWizard.WizardButton.NextButton) == "Next", timeout=2000)
        assert wizard.language_page.title() == "Welcome to CallShield"
        wizard.next()
        assert wizard.family_page.title() == "Family and friends"
    finally:
        wizard.language_page.zh.setChecked(True)
    qtbot.waitUntil(lambda: wizard.buttonText(QWizard.WizardButton.NextButton) == "下一步", timeout=2000)


def test_later_does_not_ask_again(qtbot, services, data_dir, wizard) -> None:
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    assert wizard.result() == QWizard.DialogCode.Rejected
    assert load_settings(data_dir).first_run_done


def test_model_page_offers_download_and_import(qtbot, services, wizard) -> None:
    wizard.next()
    wizard.next()
    page = wizard.model_page
    assert page.skip.isChecked()
    assert page.download.isEnabled() and page.import_.isEnabled()
    assert not page.import_button.isEnabled()
    page.import_.setChecked(True)
    assert page.import_button.isEnabled()


def test_wizard_offers_a_sip_line(qtbot, services, data_dir, wizard) -> None:
    for _ in range(3):
        wizard.next()
    page = wizard.source_page
    assert wizard.currentPage() is page
    assert "SIP" in page.sip.text() and not page.sip_box.isEnabled()
    page.sip.setChecked(True)
    assert page.sip_box.isEnabled()
    qtbot.keyClick(wizard, Qt.Key.Key_Return)  # Finish with the SIP fields empty: explained, not finished
    assert wizard.result() != QWizard.DialogCode.Accepted and wizard.isVisible()
    assert "请填写 SIP 服务器和用户名" in page.sip_problem.text()
    page.sip_server.setText("sip.example.com")
    page.sip_user.setText("8001")
    page.sip_password.setText("pa ss")
    qtbot.keyClick(wizard, Qt.Key.Key_Return)
    assert wizard.result() == QWizard.DialogCode.Accepted
    source = load_settings(data_dir).call_source
    assert source.kind == "sip"
    assert (source.sip.account, source.sip.password) == ("sip:8001@sip.example.com", "pa ss")
