"""Issue 13 / Low 12 and the ``check -`` fuzz guarantee: every stdin line is checked or named, never dropped."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cli.numbers import iter_check_input
from blocklists.db import open_db
from blocklists.store import ListStore
from screening.screener import NumberScreener
from tests.conftest import REPO_ROOT

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_split_and_undecodable_lines_are_reported_not_dropped(data_dir: Path) -> None:
    stdin = b"138,0013,8000\n\x81\x30\xff\xfe\n13800138000\n"
    r = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "--lang", "en", "check", "--json", "-"],
        input=stdin,
        capture_output=True,
        cwd=REPO_ROOT,
        timeout=120,
    )
    r.stdout, r.stderr = r.stdout.decode(), r.stderr.decode()
    verdicts = [json.loads(line) for line in r.stdout.splitlines()]
    assert [v["input"] for v in verdicts] == ["13800138000"]
    assert "line 1" in r.stderr and "line 2" in r.stderr and "Traceback" not in r.stderr


_LINE = st.one_of(
    st.binary(max_size=40),
    st.text(max_size=40).map(lambda t: t.encode("utf-8")),
    st.text(max_size=20).map(lambda t: t.encode("gb18030", errors="replace")),
    st.from_regex(r"1[3-9]\d{9}", fullmatch=True).map(str.encode),
    st.from_regex(r"\d{1,5}(,\d{1,5}){1,3}", fullmatch=True).map(str.encode),
)


@FUZZ
@given(lines=st.lists(_LINE, max_size=30))
def test_every_line_is_a_number_a_problem_or_blank(tmp_path_factory, lines: list[bytes]) -> None:  # type: ignore[no-untyped-def]
    data = b"\n".join(ln.replace(b"\n", b" ").replace(b"\r", b" ") for ln in lines)
    out = list(iter_check_input(io.BytesIO(data), "-"))
    for value, problem, _details in out:
        assert (value is None) != (problem is None)
        if problem is not None:
            assert 1 <= problem[1] <= max(len(lines), 1)
    assert len(out) <= max(len(lines), 1)


_SCREENER: list[NumberScreener] = []


def _screener(tmp: Path) -> NumberScreener:
    if not _SCREENER:
        store = ListStore(open_db(tmp / "callshield.db"))
        store.add("block", "13800138000", "fraud")
        store.add("block", "170*", "harassment")
        _SCREENER.append(NumberScreener(store))
    return _SCREENER[0]


@FUZZ
@given(text=st.text(max_size=60))
def test_screening_any_text_never_raises_and_is_serialisable(tmp_path_factory, text: str) -> None:  # type: ignore[no-untyped-def]
    screener = _screener(tmp_path_factory.mktemp("chk"))
    for value, _problem, _details in iter_check_input(io.BytesIO(text.encode("utf-8", errors="replace")), "-"):
        if value:
            json.dumps(screener.screen(value).to_dict(), ensure_ascii=False)
