"""设置 Settings, one widget per section (Picard ``ui/options/<section>.py``): each section builds its own fields,
loads them from the settings, saves what it owns and retranslates itself; :mod:`app.ui.settings.page` stacks them.

- :mod:`~app.ui.settings.display`: language, large text, the first-run wizard again
- :mod:`~app.ui.settings.alerts`: when to alert, sound, window to front, tray notification
- :mod:`~app.ui.settings.email`: e-mail to the family (SMTP, test e-mail)
- :mod:`~app.ui.settings.folders`: the phone's synced call-recording folders to watch, each for a person
- :mod:`~app.ui.settings.source`: where calls come from (manual, modem, NCID)
- :mod:`~app.ui.settings.audio`: input device, level meter, test recording
- :mod:`~app.ui.settings.model`: speech model status, download, import, mirror
"""

from app.ui.settings.page import SettingsPage

__all__ = ["SettingsPage"]
