"""Shared test fakes (qutebrowser ``tests/helpers/stubs.py``, Picard ``FakeThreadPool``), one home each:

- :mod:`tests.helpers.recognizer`: ``ScriptedRecognizer`` — plays back a script of partial/final results
- :mod:`tests.helpers.clock`: ``FakeClock`` — a monotonic clock the test moves by hand
- :mod:`tests.helpers.jobs`: ``SyncJobRunner`` — runs each job at once on the calling thread (no worker threads)
- :mod:`tests.helpers.audio`: ``write_wav`` / ``wav_source`` — a real WAV file read through ``speech.audio.FileSource``
- :mod:`tests.helpers.services`: ``page_services`` — real settings and SQLite, synchronous jobs, none of the live
  services (calls, speech, alerts), for building one page without booting the app
- :mod:`tests.helpers.signals`: ``EmitThreads`` — which thread emitted each of a QObject's signals (never a worker)

Fakes are for unit tests of logic and single widgets; the end-to-end tests keep using the real parts.
"""
