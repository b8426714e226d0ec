"""Transcribers for the phone tests.

``ScriptedTranscriber`` decodes the real recording with the app's own audio pipeline (PyAV → 16 kHz PCM →
``run_sync``) and plays back a known transcript through a scripted recogniser: the content is what matters
for the test, the audio path is still the real one.  The real Vosk decoder is used in the ``vosk`` tests.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.phone.importer import Transcript
from speech.audio import FileSource
from speech.errors import SpeechError
from speech.pipeline import run_sync
from speech.recognizer import RecognitionResult, Word


class _Once:
    """A recogniser that says ``text`` once, at the first chunk of audio."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.said = False
        self.chunks = 0

    def accept(self, pcm: bytes) -> bool:
        self.chunks += 1
        if not self.said:
            self.said = True
            return True
        return False

    def partial(self) -> str:
        return ""

    def result(self) -> RecognitionResult:
        return RecognitionResult(self.text, (Word(self.text, 0.0, 1.0, 1.0),))

    def final(self) -> RecognitionResult:
        return RecognitionResult("")


class ScriptedTranscriber:
    def __init__(self, text_for: Callable[[Path], str]) -> None:
        self.text_for = text_for
        self.calls: list[Path] = []

    def __call__(self, path: Path) -> Transcript:
        self.calls.append(path)
        rec = _Once(self.text_for(path))
        result = run_sync(FileSource(str(path), chunk_s=0.5), rec, partials=False)
        if result.error is not None:
            raise SpeechError(result.error.code, **dict(result.error.message.params))
        assert rec.chunks > 0, "no audio was decoded"
        return Transcript(result.text, result.audio_s)
