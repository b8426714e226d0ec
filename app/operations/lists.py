"""Number lists, worker side: read, search, write, import and export (each a typed function run by the job runner;
writes go through the single DB writer). The Lists page calls these; it holds no SQL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from screening.i18n import Message, MessageCode

if TYPE_CHECKING:
    from app.jobs import Progress
    from app.services import AppServices

PAGE_SIZE = 5000  # entries shown at once; the search box finds the rest


class ListsMessage(MessageCode):
    ALREADY_IN_LIST = ("“{pattern}”已经在这个名单里了", "“{pattern}” is already in this list")


def load_lists(services: AppServices) -> list[Any]:
    return list(services.store().lists(with_counts=True))


def load_entries(
    progress: Progress, services: AppServices, list_name: str, text: str, limit: int = PAGE_SIZE
) -> tuple[list[Any], int]:
    """Entries of ``list_name`` (all, or those matching ``text``), at most ``limit``; plus the list's total."""
    store = services.store()
    total = store.count(list_name)
    needle = text.strip().casefold()
    digits = "".join(ch for ch in needle if ch.isdigit())
    if not needle:
        return store.entries(list_name, limit=limit), total
    found: list[Any] = []
    for i, entry in enumerate(store.iter_entries(list_name)):
        if i % 5000 == 0:
            progress.check()
            progress.update(i, total)
        hay = f"{entry.pattern} {entry.canonical} {entry.note} {entry.source} {entry.category.zh} {entry.category.en}"
        if needle in hay.casefold() or (digits and digits in entry.canonical):
            found.append(entry)
            if len(found) >= limit:
                break
    return found, total


def write_entry(
    services: AppServices, list_name: str, pattern: str, category: str, note: str, entry_id: int | None
) -> Any:
    store = services.store()
    if entry_id is None:
        if store.find(list_name, pattern) is not None:
            from blocklists.store import StoreError

            raise StoreError(Message(ListsMessage.ALREADY_IN_LIST, {"pattern": pattern}))
        return store.add(list_name, pattern, category=category, note=note, source="manual")
    return store.edit(entry_id, category=category, note=note)


def remove_entries(services: AppServices, list_name: str, patterns: list[str]) -> int:
    store = services.store()
    for pattern in patterns:
        store.remove(list_name, pattern)
    return len(patterns)


def set_list_enabled(services: AppServices, list_name: str, enabled: bool) -> None:
    services.store().set_enabled(list_name, enabled)


def create_list(services: AppServices, name: str, kind: str, title: str) -> Any:
    return services.store().create_list(name, kind, title_zh=title, title_en=title)


def delete_list(services: AppServices, name: str) -> None:
    services.store().delete_list(name)


def preview_import(path: str, region: str) -> Any:
    from blocklists.importexport import read_import

    return read_import(path, region=region, name=path)


def commit_import(
    services: AppServices, preview: Any, list_name: str, skip_bad: bool, allow_risky: bool = False
) -> Any:
    from blocklists.importexport import commit_import as commit

    return commit(services.store(), preview, list_name, skip_bad=skip_bad, allow_risky=allow_risky)


def export_list(services: AppServices, list_name: str, path: str, lang: str = "zh") -> int:
    """Worker: a list written to ``path``, a CSV's header in the reader's language."""
    from blocklists.importexport import export_list as export

    return export(services.store(), list_name, path, lang=lang)


def add_family_numbers(services: AppServices, numbers: list[tuple[str, str]]) -> int:
    """First-run wizard: trust the family's numbers (``(number, name)`` pairs); returns how many."""
    store = services.store()
    for number, name in numbers:
        store.add("allow", number, category="custom", note=name, source="wizard")
    return len(numbers)
