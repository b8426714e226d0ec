"""Regenerate the English translation: ``python -m app.i18n.update_translations``.

1. ``pyside6-lupdate`` extracts every ``self.tr()`` / ``QCoreApplication.translate()`` string from ``app/ui``,
   ``app/models`` and ``app/gui.py`` (``app/ui`` with its sub-packages) into ``callshield_en.ts`` (obsolete strings dropped);
2. the English for each source string comes from ``en_strings.json`` (``"source": "English"``; a key of the form
   ``"Context|source"`` overrides one context; plural (``%n``) strings give ``"singular|plural"``);
3. ``pyside6-lrelease`` compiles ``callshield_en.qm``.

Strings without English are listed and the command exits 1, so a missing translation is never silent.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
APP = HERE.parent
TS = HERE / "callshield_en.ts"
QM = HERE / "callshield_en.qm"
STRINGS = HERE / "en_strings.json"


def sources() -> list[Path]:
    return sorted([*(APP / "ui").rglob("*.py"), *(APP / "models").glob("*.py"), APP / "gui.py"])


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    import PySide6

    candidate = Path(PySide6.__file__).parent / name.removeprefix("pyside6-")
    return str(candidate)


def run_lupdate(ts: Path) -> None:
    files = [str(p.relative_to(APP.parent)) for p in sources()]
    subprocess.run(
        [
            _tool("pyside6-lupdate"),
            *files,
            "-no-obsolete",
            "-locations",
            "none",
            "-target-language",
            "en",
            "-ts",
            str(ts),
        ],
        check=True,
        cwd=APP.parent,
        capture_output=True,
    )


def messages(ts: Path) -> list[tuple[str, str]]:
    root = ET.parse(ts).getroot()
    out = []
    for ctx in root.iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            out.append((name, msg.findtext("source") or ""))
    return out


def fill(ts: Path, table: dict[str, str]) -> list[tuple[str, str]]:
    tree = ET.parse(ts)
    missing: list[tuple[str, str]] = []
    for ctx in tree.getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            source = msg.findtext("source") or ""
            english = table.get(f"{name}|{source}", table.get(source))
            tr = msg.find("translation")
            if tr is None:
                tr = ET.SubElement(msg, "translation")
            if english:
                tr.attrib.pop("type", None)
                if msg.get("numerus") == "yes":  # English plural forms: "one|other" in the table
                    forms = english.split("|") if "|" in english else [english, english]
                    for child in list(tr):
                        tr.remove(child)
                    tr.text = None
                    for form in forms[:2]:
                        ET.SubElement(tr, "numerusform").text = form
                else:
                    tr.text = english
            else:
                tr.text = ""
                tr.set("type", "unfinished")
                missing.append((name, source))
    ET.indent(tree, space="    ")
    with open(ts, "wb") as fh:
        fh.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(fh, encoding="utf-8", xml_declaration=False)
        fh.write(b"\n")
    return missing


def run_lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([_tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True)


def main() -> int:
    table = json.loads(STRINGS.read_text(encoding="utf-8"))
    run_lupdate(TS)
    missing = fill(TS, table)
    run_lrelease(TS, QM)
    for ctx, src in missing:
        print(f"missing English: [{ctx}] {src}", file=sys.stderr)
    print(f"{len(messages(TS))} strings, {len(missing)} without English; wrote {TS.name} and {QM.name}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
