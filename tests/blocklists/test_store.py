"""List store: patterns in key space, lookup, enable/disable, edits, and a second connection's writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from blocklists.db import open_db
from blocklists.store import Category, ListKind, ListStore, StoreError, parse_pattern


@pytest.fixture
def store() -> ListStore:
    return ListStore(open_db(None))


@pytest.mark.parametrize(
    ("text", "canonical", "kind", "key"),
    [
        ("13800138000", "+8613800138000", "exact", "+8613800138000"),
        ("+86 138-0013-8000", "+8613800138000", "exact", "+8613800138000"),
        ("013800138000", "+8613800138000", "exact", "+8613800138000"),
        ("0513-85123456", "+8651385123456", "exact", "+8651385123456"),
        ("95588", "+8695588", "exact", "+8695588"),
        ("+852 2123 4567", "+85221234567", "exact", "+85221234567"),
        ("+00 852 1234 5678", "+85212345678", "exact", "+85212345678"),
        ("170*", "+86170*", "prefix", "+86170"),
        ("0513*", "+86513*", "prefix", "+86513"),
        ("+852*", "+852*", "prefix", "+852"),
        ("00852*", "+852*", "prefix", "+852"),
        ("952750??", "+86952750??", "wildcard", "+86952750"),
        ("138????8000", "+86138????8000", "wildcard", "+86138"),
        ("1069??*", "+861069??*", "wildcard", "+861069"),
    ],
)
def test_patterns_in_key_space(text: str, canonical: str, kind: str, key: str) -> None:
    p = parse_pattern(text)
    assert (p.canonical, p.match_kind, p.match_key) == (canonical, kind, key)


@pytest.mark.parametrize("bad", ["", "abc", "13*8", "1**", "*", "?*", "1", "12", "13x*", "+86 138 0013 8000 1234 5678"])
def test_bad_patterns_are_refused_with_a_reason(bad: str) -> None:
    with pytest.raises(StoreError) as info:
        parse_pattern(bad)
    assert info.value.message.render("zh") and info.value.message.render("en")


def test_default_lists(store: ListStore) -> None:
    kinds = {i.name: i.kind for i in store.lists()}
    assert kinds == {"allow": ListKind.ALLOW, "block": ListKind.BLOCK}
    assert store.lists()[0].name == "allow"  # allowlists first


def test_lookup_exact_prefix_wildcard(store: ListStore) -> None:
    store.add("block", "13800138000", "fraud")
    store.add("block", "170*", "harassment")
    store.add("block", "952750??", "fraud")
    assert [m.pattern for m in store.lookup("+86 138 0013 8000")] == ["13800138000"]
    assert [m.match_kind for m in store.lookup("17012345678")] == ["prefix"]
    assert store.lookup("17112345678") == ()
    assert [m.pattern for m in store.lookup("95275012")] == ["952750??"]
    assert store.lookup("952750123") == ()  # ? is exactly one digit
    assert store.lookup("95275112") == ()
    assert store.lookup("") == ()


def test_match_order_specific_first(store: ListStore) -> None:
    store.create_list("sub", ListKind.IMPORTED)
    store.add("sub", "138*")
    store.add("block", "1380013*")
    store.add("block", "13800138000")
    store.add("allow", "13800138000")
    got = [(m.list_name, m.pattern) for m in store.lookup("13800138000")]
    assert got == [("allow", "13800138000"), ("block", "13800138000"), ("block", "1380013*"), ("sub", "138*")]


def test_add_is_idempotent_and_remove_edit(store: ListStore) -> None:
    a = store.add("block", "13800138000", Category.FRAUD, note="first")
    b = store.add("block", "+8613800138000", "推销", note="second")
    assert a.id == b.id and b.note == "first" and store.count("block") == 1
    edited = store.edit(a.id, category="骚扰", note="改了")
    assert edited.category is Category.HARASSMENT and edited.note == "改了"
    store.remove("block", "0086 138 0013 8000")
    assert store.count("block") == 0
    with pytest.raises(StoreError):
        store.remove("block", "13800138000")
    with pytest.raises(StoreError):
        store.add("nope", "13800138000")


def test_list_management(store: ListStore) -> None:
    info = store.create_list("community", "imported", title_zh="社区共享", title_en="Community")
    assert info.kind is ListKind.IMPORTED and info.enabled and info.title.en == "Community"
    with pytest.raises(StoreError):
        store.create_list("community")
    with pytest.raises(StoreError):
        store.create_list("has space")
    store.add("community", "170*")
    store.disable("community")
    assert store.lookup("17012345678") == ()
    store.enable("community")
    assert len(store.lookup("17012345678")) == 1
    counts = {i.name: i.entry_count for i in store.lists(with_counts=True)}
    assert counts == {"allow": 0, "block": 0, "community": 1}
    store.delete_list("community")
    assert not store.has_list("community") and store.count() == 0


def test_category_parsing() -> None:
    assert Category.parse("诈骗") is Category.FRAUD
    assert Category.parse("Harassment") is Category.HARASSMENT
    assert Category.parse("", Category.SALES) is Category.SALES
    with pytest.raises(ValueError):
        Category.parse("垃圾")


def test_changes_from_another_connection_are_seen(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ListStore, "refresh_interval", 0.0)  # check on every lookup (default: every 0.5 s)
    path = data_dir / "callshield.db"
    gui = ListStore(open_db(path))
    cli = ListStore(open_db(path))
    assert gui.lookup("17012345678") == ()
    cli.create_list("sub", "imported")
    cli.add("sub", "170*", "fraud")
    assert [m.list_name for m in gui.lookup("17012345678")] == ["sub"]
    cli.disable("sub")
    assert gui.lookup("17012345678") == ()


def test_bulk_insert_is_one_transaction(store: ListStore) -> None:
    rows = [(parse_pattern(f"138{i:08d}"), Category.FRAUD, "") for i in range(1000)]
    assert store.bulk_insert("block", rows, "test") == 1000
    assert store.bulk_insert("block", rows[:10], "test") == 0
    # A broken row fails inside the transaction, after the DELETE of replace=True and five inserts.
    bad_rows = rows[:5] + [(parse_pattern("13900000000"), "fraud", "")]
    with pytest.raises(KeyError):
        store.bulk_insert("block", bad_rows, "test", replace=True)  # type: ignore[arg-type]
    assert store.count("block") == 1000  # the replace was rolled back too
    assert store.bulk_insert("block", rows[:3], "test", replace=True) == 3
    assert store.count("block") == 3


def test_cached_lookups_follow_every_change(store: ListStore) -> None:
    assert store.lookup("13800138000") == ()
    entry = store.add("block", "13800138000", "fraud", note="old")
    assert [m.note for m in store.lookup("13800138000")] == ["old"]
    store.edit(entry.id, note="new")
    assert [m.note for m in store.lookup("13800138000")] == ["new"]
    store.disable("block")
    assert store.lookup("13800138000") == ()
    store.enable("block")
    store.remove("block", "13800138000")
    assert store.lookup("13800138000") == ()
