"""The live service keeps each line's recognisers between calls (speech.pool): the real Korean model, resolved
from Settings like the app does, real audio through the line's recogniser, then the next call on that line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from speech.audio import FileSource
from speech.pipeline import run_sync
from tests.speech.conftest import KO_FRAUD_SENTENCE, ko_model_dir, say  # noqa: F401 - pytest fixtures


def test_the_next_call_on_a_line_reuses_its_warm_recogniser(
    services,
    ko_model_dir: Path,  # noqa: F811
    say: Callable[..., Path],  # noqa: F811 - the fixtures imported above
) -> None:
    services.settings.update(model_path=str(ko_model_dir))
    bridge = services.calls
    first = bridge._recognizers("1", two_sided=False)
    assert first is not None and first[1] is None  # a one-input line takes only the caller's recogniser
    result = run_sync(FileSource(say(KO_FRAUD_SENTENCE, pad_s=0.3)), first[0])
    assert result.ok and result.text

    second = bridge._recognizers("1", two_sided=True)
    other_line = bridge._recognizers("2", two_sided=False)
    assert second is not None and other_line is not None
    assert second[0] is first[0]  # warm: the call before on this line ended with final()
    assert second[1] is not None and second[1] is not first[0]  # our side has its own
    assert other_line[0] is not first[0]  # line 2 never shares line 1's busy recogniser
    assert bridge.recognizers.reused == 1
