"""Live calls: ``CallBridge`` (:mod:`app.live.service`) turns the call controller's callbacks and each call's
transcript (speech pipeline → ``DetectorSession``) into GUI-thread signals, history updates and alerts."""
