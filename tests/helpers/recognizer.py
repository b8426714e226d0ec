"""A recogniser that plays back a script (speech.recognizer.Recognizer protocol), for pipeline and UI tests."""

from __future__ import annotations

from speech.recognizer import RecognitionResult, Word


class ScriptedRecognizer:
    """Each accepted chunk yields the next script entry: ``("partial", text)`` or ``("final", text, start, end)``;
    ``final()`` returns ``tail`` (the words still in the decoder when the audio ends)."""

    def __init__(self, script: list[tuple[object, ...]], tail: str = "") -> None:
        self.script = list(script)
        self.tail = tail
        self._current: tuple[object, ...] = ("partial", "")
        self.accepted = 0

    @classmethod
    def sentences(cls, sentences: list[tuple[str, str]], chunks_per_sentence: int = 4) -> ScriptedRecognizer:
        """Per sentence: ``chunks_per_sentence - 1`` partials, then the final text; 3 s each, 0.5 s apart."""
        script: list[tuple[object, ...]] = []
        t = 0.0
        for partial, final in sentences:
            script.extend(("partial", partial, t, t) for _ in range(chunks_per_sentence - 1))
            script.append(("final", final, t, t + 3.0))
            t += 3.5
        return cls(script)

    def accept(self, pcm: bytes) -> bool:
        self.accepted += 1
        self._current = self.script.pop(0) if self.script else ("partial", "")
        return self._current[0] == "final"

    def partial(self) -> str:
        return str(self._current[1])

    def result(self) -> RecognitionResult:
        _, text, start, end = self._current
        return RecognitionResult(str(text), (Word(str(text), float(start), float(end), 1.0),))  # type: ignore[arg-type]

    def final(self) -> RecognitionResult:
        return RecognitionResult(self.tail)
