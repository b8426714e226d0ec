"""Qt translations: Chinese source strings, English in ``callshield_en.qm``; Qt's own base strings too.

``install_language(app, "en")`` switches live: it swaps the translators, which sends every widget a
``LanguageChange`` event (the main window then calls each page's ``retranslate()``).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app import paths
from screening.i18n import normalise_language, system_language

log = logging.getLogger(__name__)

_installed: list[QTranslator] = []


# Strings of Qt's own file dialog that Qt's Chinese translation (qtbase_zh_CN) leaves in English; the dialog is Qt's
# where the system gives none (Linux without a desktop portal). A trial read 「Look in:」 and 「Folder」 in Chinese mode.
QT_ZH_GAPS: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QAbstractFileIconProvider", "Folder"): "文件夹",
    ("QAbstractFileIconProvider", "Drive"): "驱动器",
}  # (sizes and dates in the dialog follow the system's locale, not the app's language: a Chinese system's are Chinese)


class _QtGaps(QTranslator):
    """Chinese for :data:`QT_ZH_GAPS`, asked after Qt's own translation finds nothing."""

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str | None:
        # None, not "": Qt takes an empty string for a translation and blanks every string it does not know
        return QT_ZH_GAPS.get((context, source))

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


def current_language() -> str:
    """'zh' or 'en': the UI language currently installed (set by the composition root)."""
    app = QCoreApplication.instance()
    lang = app.property("callshield_lang") if app is not None else None
    return "en" if lang == "en" else "zh"


def qm_path(lang: str) -> str:
    return str(paths.resource("app", "i18n", f"callshield_{lang}.qm"))


def resolve_language(choice: str | None) -> str:
    """'zh'/'en' from a settings choice ('auto' → CALLSHIELD_LANG, then the system locale; Chinese first)."""
    if choice in ("zh", "en"):
        return choice
    env_lang = system_language()
    if env_lang == "en":
        return "en"
    # Environment says Chinese or nothing: ask Qt about the UI locale as a last word for non-Chinese desktops.
    import os

    if os.environ.get("CALLSHIELD_LANG") or any(os.environ.get(k) for k in ("LC_ALL", "LC_MESSAGES", "LANG")):
        return env_lang
    ui = QLocale.system().uiLanguages()
    if ui and not ui[0].lower().startswith("zh") and ui[0].lower() not in ("c", "en_us_posix"):
        return normalise_language(ui[0])
    return "zh"


def install_language(app: QCoreApplication, lang: str) -> str:
    """Install the translators for ``lang`` ('zh' or 'en') and record it on the app; returns the language."""
    lang = "en" if lang == "en" else "zh"
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if lang == "en":
        ours = QTranslator(app)
        if ours.load(qm_path("en")):
            app.installTranslator(ours)
            _installed.append(ours)
        else:
            log.warning("English translation file missing: %s", qm_path("en"))
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    base = QTranslator(app)
    qt_locale = QLocale(QLocale.Language.English if lang == "en" else QLocale.Language.Chinese, QLocale.Country.China)
    if lang == "zh":
        gaps = _QtGaps(app)  # installed first, so asked last: Qt's own translation wins where it has one
        app.installTranslator(gaps)
        _installed.append(gaps)
        if base.load(qt_locale, "qtbase", "_", qt_dir):
            app.installTranslator(base)
            _installed.append(base)
    app.setProperty("callshield_lang", lang)
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates) if lang == "en" else qt_locale)
    return lang
