"""Users' reports on a real SQLite file: recording, the export (exactly what is shared), and pooling."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from blocklists.db import open_db
from blocklists.store import ListStore
from blocklists.subscriptions import reports
from blocklists.subscriptions.problems import SubscriptionError, SubscriptionProblem


def export_of(tmp: Path, name: str, items: list[tuple[str, str]]) -> Path:
    db = open_db(tmp / f"{name}.db")
    for number, category in items:
        reports.add_report(db, number, category, note=f"{name} says {category}")
    path = tmp / f"{name}.json"
    reports.write_export(reports.export_payload(db), path)
    return path


def test_report_is_number_category_note_time_and_nothing_else(tmp_path: Path) -> None:
    db = open_db(tmp_path / "a.db")
    r = reports.add_report(db, "138-0013-8000", "诈骗", "冒充公检法")
    assert (r.number, r.category, r.note) == ("+8613800138000", "fraud", "冒充公检法")
    reports.add_report(db, "95588", "误报")
    payload = reports.export_payload(db)
    assert set(payload) == {"format", "format_version", "installation", "exported_at", "reports"}
    assert [set(x) for x in payload["reports"]] == [{"number", "category", "note", "reported_at"}] * 2
    assert payload["reports"][1]["category"] == "safe"
    named = reports.export_payload(db, "王阿姨")
    assert named["reporter"] == "王阿姨"
    path = tmp_path / "out.json"
    assert reports.write_export(named, path) == 2
    assert json.loads(path.read_text("utf-8")) == named  # the file is exactly what was shown
    # a random installation id, stable for this database, different for another
    assert len(payload["installation"]) == 32 and reports.installation_id(db) == payload["installation"]
    assert reports.installation_id(open_db(tmp_path / "b.db")) != payload["installation"]


def test_bad_reports_are_refused(tmp_path: Path) -> None:
    db = open_db(tmp_path / "a.db")
    with pytest.raises(SubscriptionError) as err:
        reports.add_report(db, "not a number", "fraud")
    assert err.value.code is SubscriptionProblem.BAD_REPORT_NUMBER and "不是可举报的号码" in err.value.message.render(
        "zh"
    )
    with pytest.raises(SubscriptionError) as err:
        reports.add_report(db, "13800138000", "垃圾")
    assert err.value.code is SubscriptionProblem.BAD_REPORT_CATEGORY
    assert reports.list_reports(db) == []


def test_aggregate_dedupes_per_installation_and_applies_the_threshold(tmp_path: Path) -> None:
    scam, maybe, fine = "13800138001", "13800138002", "13800138003"
    files = [
        # one household reporting the same number five times still counts once
        export_of(tmp_path, "a", [(scam, "fraud")] * 5 + [(maybe, "sales"), (fine, "safe")]),
        export_of(tmp_path, "b", [(scam, "fraud"), (maybe, "sales"), (fine, "safe")]),
        export_of(tmp_path, "c", [(scam, "harassment"), (fine, "safe")]),
    ]
    result = reports.aggregate(files, min_reports=3)
    assert (result.files, result.installations, result.reports, result.duplicates) == (3, 3, 12, 4)
    by = {p.number: p for p in result.proposals}
    assert by["+86" + scam].action is reports.Action.ADD and by["+86" + scam].votes == 3
    assert by["+86" + scam].category == "fraud"  # the majority
    assert "+86" + maybe not in by and result.below_threshold == 1  # 2 installations < 3
    assert by["+86" + fine].action is reports.Action.REMOVE and by["+86" + fine].votes == 3
    assert len(reports.aggregate(files, min_reports=2).proposals) == 3
    # Against the publisher's list: no addition of what is listed, no removal of what is not.
    listed = ["+86" + scam]
    against = reports.aggregate(files, min_reports=3, listed=listed)
    assert [p.action for p in against.proposals] == []
    out = tmp_path / "proposals.csv"
    assert reports.write_proposals(result, out) == [out, tmp_path / "proposals.removals.csv"]
    rows = list(csv.DictReader(out.read_text("utf-8-sig").splitlines()))
    assert [(r["action"], r["number"]) for r in rows] == [("add", "+86" + scam)] and rows[0]["note"].startswith(
        "votes=3;"
    )
    removals = list(csv.DictReader((tmp_path / "proposals.removals.csv").read_text("utf-8-sig").splitlines()))
    assert [(r["action"], r["number"]) for r in removals] == [("remove", "+86" + fine)]


def test_a_bad_report_file_stops_the_whole_aggregation(tmp_path: Path) -> None:
    good = export_of(tmp_path, "a", [("13800138001", "fraud")])
    bad = tmp_path / "bad.json"
    for content in (
        "not json",
        json.dumps({"format": "other"}),
        json.dumps({"format": "callshield-reports", "reports": []}),
    ):
        bad.write_text(content, "utf-8")
        with pytest.raises(SubscriptionError) as err:
            reports.aggregate([good, bad], min_reports=1)
        assert err.value.code is SubscriptionProblem.BAD_REPORT_FILE and "bad.json" in err.value.message.render("zh")


def test_aggregated_proposals_import_and_publish_with_votes(tmp_path: Path) -> None:
    from blocklists.importexport import commit_import, read_import
    from blocklists.subscriptions import bundle
    from blocklists.subscriptions.minisign import generate_secret_key

    files = [export_of(tmp_path, n, [("13800138001", "fraud")]) for n in "abc"]
    out = tmp_path / "proposals.csv"
    reports.write_proposals(reports.aggregate(files, min_reports=3), out)
    store = ListStore(open_db(tmp_path / "pub.db"))
    preview = read_import(out)
    assert preview.ok, [p.render("en") for p in preview.problems]
    commit_import(store, preview, "community", create_kind="block")
    result = bundle.publish(store, "community", tmp_path / "bundle", generate_secret_key())
    text = (tmp_path / "bundle" / result.manifest.full.name).read_text("utf-8")
    assert "+8613800138001,fraud," in text and ",3," in text  # votes published with the entry
