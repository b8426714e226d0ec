"""Alerts: a Qt-free policy (:mod:`app.alerts.policy`), the Qt service that rings, notifies and raises the window
(:mod:`app.alerts.service`), the e-mail (:mod:`app.alerts.email`) and the alarm tone (:mod:`app.alerts.tone`)."""
