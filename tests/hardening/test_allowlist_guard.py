"""Issue 13 / Medium 7: a blocklist cannot slip into the allowlist, and the family entries are not wiped silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from blocklists.db import open_db
from blocklists.importexport import AllowlistImportRefused, commit_import, read_import
from blocklists.store import ListStore

SEED = "号码,分类,备注\n13800138000,诈骗,冒充客服\n170*,骚扰,虚拟运营商\n13900139000,自定义,\n".encode()
FAMILY = "number,category,note\n13700137000,custom,妈妈\n".encode()


@pytest.fixture
def store(tmp_path: Path) -> ListStore:
    s = ListStore(open_db(tmp_path / "callshield.db"))
    s.add("allow", "13600136000", note="爸爸")
    return s


def test_fraud_rows_and_prefixes_are_refused_for_the_allowlist(store: ListStore) -> None:
    preview = read_import(SEED, fmt="csv")
    assert preview.ok
    with pytest.raises(AllowlistImportRefused) as info:
        commit_import(store, preview, "allow", replace=True)
    text = info.value.message.render("zh") + info.value.message.render("en")
    assert "白名单" in text and "allowlist" in text and "170*" in text
    assert [e.pattern for e in store.entries("allow")] == ["13600136000"]  # nothing written, nothing wiped
    assert store.lookup("17012345678") == ()


def test_explicit_flag_allows_it(store: ListStore) -> None:
    result = commit_import(store, read_import(SEED, fmt="csv"), "allow", allow_risky=True)
    assert result.added == 3


def test_a_new_allow_kind_list_is_guarded_too(store: ListStore) -> None:
    with pytest.raises(AllowlistImportRefused):
        commit_import(store, read_import(SEED, fmt="csv"), "family2", create_kind="allow")
    assert not store.has_list("family2")


def test_plain_family_numbers_import_without_a_flag(store: ListStore) -> None:
    assert commit_import(store, read_import(FAMILY, fmt="csv"), "allow").added == 1


def test_cli_refuses_then_needs_yes_for_replace(data_dir: Path, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    seed = tmp_path / "seed.csv"
    seed.write_bytes(SEED)
    family = tmp_path / "family.csv"
    family.write_bytes(FAMILY)
    assert run_cli("lists", "add", "allow", "13600136000").returncode == 0
    r = run_cli("--lang", "en", "lists", "import", str(seed), "--list", "allow", "--replace")
    assert r.returncode == 1 and "allowlist" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("--lang", "en", "lists", "import", str(family), "--list", "allow", "--replace")
    assert r.returncode == 1 and "--yes" in r.stderr
    r = run_cli("--lang", "en", "lists", "show", "allow", "--json")
    assert "13600136000" in r.stdout  # still there
    r = run_cli("--lang", "en", "lists", "import", str(family), "--list", "allow", "--replace", "--yes")
    assert r.returncode == 0, r.stderr
    r = run_cli("--lang", "en", "lists", "import", str(seed), "--list", "block", "--replace")
    assert r.returncode == 0, r.stderr  # blocklists are not guarded


def test_replace_keeps_rows_of_other_tables_that_reference_the_list(tmp_path: Path) -> None:
    """A staged replace gives the list a new row; tables pointing at lists(id) (subscriptions) follow it."""
    store = ListStore(open_db(tmp_path / "callshield.db"))
    store.create_list("sub", "imported")
    store.conn.execute(
        "CREATE TABLE subs_demo (id INTEGER PRIMARY KEY, list_id INTEGER REFERENCES lists(id) ON DELETE CASCADE)"
    )
    with store.conn:
        store.conn.execute("INSERT INTO subs_demo (list_id) VALUES (?)", [store.get_list("sub").id])
    commit_import(store, read_import(FAMILY, fmt="csv"), "sub", replace=True)
    row = store.conn.execute("SELECT list_id FROM subs_demo").fetchone()
    assert row is not None and row[0] == store.get_list("sub").id
