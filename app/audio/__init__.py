"""Audio side of the app: devices, the level meter, test recordings and the speech model (status, download, import).

- :mod:`app.audio.model`: the one place that decides which speech model the app uses.
- :mod:`app.audio.service`: ``SpeechService``, the Qt face of devices, meter, test recording and model download.
"""
