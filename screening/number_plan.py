"""The Chinese numbering plan and the number rules, loaded from versioned data in ``blocklists/data``.

Nothing here is hard-coded policy: the prefixes of virtual operators and SMS platforms, the protected
numbers, the official service directory and every rule's level, score, wording and legal reference
live in JSON files shipped inside the ``blocklists`` package, so a data update changes behaviour
without touching code.  This module only loads and indexes them (once, cached).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from screening.i18n import BiText
from screening.types import Level

DATA_PACKAGE = "blocklists"


def _load_json(name: str) -> dict[str, Any]:
    node = resources.files(DATA_PACKAGE).joinpath("data").joinpath(name)
    data: dict[str, Any] = json.loads(node.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class OfficialNumber:
    """One entry of the bundled directory of official service / short numbers."""

    number: str
    name: BiText
    category: str
    protected: bool = False


@dataclass(frozen=True)
class Rule:
    """A number rule: fires when the screener's fact ``fact`` holds for a number."""

    id: str
    fact: str
    level: Level
    score: float
    text: BiText
    reference: str | None


@dataclass(frozen=True)
class NumberingPlan:
    version: str
    mobile_prefixes: tuple[str, ...]
    virtual_operator_prefixes: tuple[str, ...]
    sms_platform_prefixes: tuple[str, ...]
    toll_free_prefixes: tuple[str, ...]
    protected: frozenset[str]
    official: dict[str, OfficialNumber]
    official_short: frozenset[str]
    official_short_patterns: tuple[re.Pattern[str], ...]

    def official_for_key(self, key: str) -> OfficialNumber | None:
        """The directory's entry for a number as the lists key it (``+8695588``: ``NormalisedNumber.key``), if any."""
        return self.official.get(key[3:]) if key.startswith("+86") else None

    def looks_official_short(self, digits: str) -> bool:
        """True for an official / service short number (directory, protected, or 95xxx/1xxxx/96xxx shape)."""
        return digits in self.official_short or any(p.match(digits) for p in self.official_short_patterns)


@lru_cache(maxsize=1)
def numbering_plan() -> NumberingPlan:
    plan = _load_json("numbering_cn.json")
    directory = _load_json("official_numbers.json")
    official: dict[str, OfficialNumber] = {}
    for item in directory["numbers"]:
        entry = OfficialNumber(
            number=str(item["number"]),
            name=BiText(item["name_zh"], item["name_en"]),
            category=str(item["category"]),
            protected=bool(item.get("protected", False)),
        )
        official[entry.number] = entry
    protected = frozenset(n for n, e in official.items() if e.protected)  # marked in the directory, nowhere else
    return NumberingPlan(
        version=f"{plan['version']}+{directory['version']}",
        mobile_prefixes=tuple(plan["mobile_prefixes"]),
        virtual_operator_prefixes=tuple(plan["virtual_operator_prefixes"]),
        sms_platform_prefixes=tuple(plan["sms_platform_prefixes"]),
        toll_free_prefixes=tuple(plan["toll_free_prefixes"]),
        protected=protected,
        official=official,
        official_short=frozenset(official) | protected,
        official_short_patterns=tuple(re.compile(p) for p in plan["official_short_patterns"]),
    )


@lru_cache(maxsize=1)
def number_rules() -> tuple[str, dict[str, Rule]]:
    """``(version, {rule_id: Rule})`` in file order (the order is the tie-break for equal levels)."""
    data = _load_json("number_rules.json")
    rules: dict[str, Rule] = {}
    for item in data["rules"]:
        rule = Rule(
            id=item["id"],
            fact=item["fact"],
            level=Level.parse(item["level"]),
            score=float(item["score"]),
            text=BiText(item["zh"], item["en"]),
            reference=item.get("reference"),
        )
        rules[rule.id] = rule
    return str(data["version"]), rules
