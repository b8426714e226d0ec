"""Offline speech from the command line.

``callshield transcribe FILE``          transcribe a recording and check it for fraud scripts
``callshield scan-recordings DIR``      scan a folder of recordings in parallel, store verdicts in the history
``callshield listen``                   transcribe a live input device (Ctrl-C stops)
``callshield model status``             which model would be used, and from where
``callshield model import PATH``        install a model from a zip or folder you already have
``callshield model download [small|large]``  fetch the official Mandarin model (explicit network use)
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO

from wcwidth import wcswidth

from app import paths
from app.cli.context import CliContext
from app.display import level_word, no_verdict_text, shown_category, text_verdict
from screening.language import heard_nothing
from screening.types import Level, TranscriptSegment
from speech.errors import SpeechError
from speech.language import not_chinese_warning

log = logging.getLogger(__name__)
EXIT_ERROR = 2


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    model_help = (
        "Vosk 模型文件夹（默认按设置/环境变量/数据目录查找）/ Vosk model folder (default: settings, env, data dir)"
    )

    tr = subparsers.add_parser(
        "transcribe",
        parents=[parent],
        help="离线转写录音并检测诈骗话术 / transcribe a recording offline and check it",
        description="离线转写一段通话录音（WAV/MP3/M4A/AMR…），并检测诈骗话术 / "
        "transcribe a call recording offline and check it for fraud scripts",
    )
    tr.add_argument("file", help="录音文件 / recording")
    tr.add_argument("--model", help=model_help)
    tr.add_argument(
        "--keywords",
        help="关键词模式：只识别此文件中的词句（每行一个）/ keyword mode: only recognise these phrases (one a line)",
    )
    tr.add_argument("--partials", action="store_true", help="同时显示中间结果 / also print partial results")
    tr.add_argument("--json", action="store_true", help="输出 JSON / JSON output")
    tr.set_defaults(func=cmd_transcribe)

    sc = subparsers.add_parser(
        "scan-recordings",
        parents=[parent],
        help="批量扫描录音文件夹，结果写入历史 / scan a folder of recordings into the history",
    )
    sc.add_argument("paths", nargs="+", metavar="DIR_OR_FILE", help="文件夹或文件 / folders or files")
    sc.add_argument("--model", help=model_help)
    sc.add_argument("--workers", type=int, default=2, help="并行进程数（默认 2）/ worker processes (default 2)")
    sc.add_argument("--rescan", action="store_true", help="重新扫描已扫描过的文件 / scan files seen before again")
    sc.add_argument("--json", action="store_true", help="输出 JSON / JSON output")
    sc.set_defaults(func=cmd_scan)

    li = subparsers.add_parser("listen", parents=[parent], help="实时转写录音设备 / transcribe a live input device")
    li.add_argument("--device", help="设备编号或名称（默认系统默认输入）/ device index or name")
    li.add_argument("--seconds", type=float, default=0.0, help="录多少秒后停止（0 = 直到 Ctrl-C）/ stop after N s")
    li.add_argument("--model", help=model_help)
    li.add_argument("--keywords", help="关键词模式（每行一个词句）/ keyword mode (one phrase a line)")
    li.add_argument("--list-devices", action="store_true", help="列出输入设备 / list input devices")
    li.set_defaults(func=cmd_listen)

    mo = subparsers.add_parser("model", parents=[parent], help="语音模型管理 / speech model management")
    msub = mo.add_subparsers(dest="model_command", metavar="ACTION", required=True)
    st = msub.add_parser("status", parents=[parent], help="当前模型 / which model is used")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=cmd_model_status)
    im = msub.add_parser("import", parents=[parent], help="从 zip 或文件夹导入模型 / import a model zip or folder")
    im.add_argument("path")
    im.set_defaults(func=cmd_model_import)
    rm = msub.add_parser(
        "remove", parents=[parent], help="删除程序下载或导入的模型 / delete a model the app downloaded or imported"
    )
    rm.add_argument(
        "name",
        nargs="?",
        help="数据文件夹 models 里的文件夹名（默认：当前模型）/ folder name in the data folder's models",
    )
    rm.add_argument("--yes", action="store_true", help="不再询问 / do not ask to confirm")
    rm.set_defaults(func=cmd_model_remove)
    dl = msub.add_parser("download", parents=[parent], help="下载官方中文模型 / download the official Mandarin model")
    dl.add_argument("which", nargs="?", choices=["small", "large"], default="small")
    dl.add_argument("--url", help="镜像地址（仍校验 SHA-256）/ mirror URL (SHA-256 is still checked)")
    dl.add_argument("--sha256", help="期望的 SHA-256（大模型必填，除非 --no-verify）/ expected SHA-256")
    dl.add_argument(
        "--no-verify", action="store_true", help="大模型没有官方校验值时仍安装 / install the large model unverified"
    )
    dl.set_defaults(func=cmd_model_download)


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def _fail(ctx: CliContext, exc: SpeechError) -> int:
    print(exc.render(ctx.lang), file=ctx.err)
    return EXIT_ERROR


def _resolve(ctx: CliContext, explicit: str | None) -> Any:
    from app.audio.model import configured_model_path, resolve_app_model
    from speech.models import validate_model_dir

    if explicit:
        from speech.models import ModelSource, ResolvedModel

        return ResolvedModel(validate_model_dir(Path(explicit)), ModelSource.ARGUMENT)
    return resolve_app_model(ctx.data_dir, configured_model_path(ctx.data_dir))


def _clock(seconds: float) -> str:
    m, s = divmod(max(0.0, seconds), 60)
    return f"{int(m):02d}:{s:04.1f}"


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - max(0, wcswidth(text)))


class ProgressBar:
    """A one-line bar on a terminal; one line per step when the output is not a terminal."""

    def __init__(self, out: TextIO, total: int, width: int = 30) -> None:
        self.out = out
        self.total = max(1, total)
        self.width = width
        self.tty = bool(getattr(out, "isatty", lambda: False)())

    def update(self, done: int, label: str = "") -> None:
        frac = min(1.0, done / self.total)
        filled = int(round(frac * self.width))
        bar = "█" * filled + "░" * (self.width - filled)
        line = f"[{bar}] {done}/{self.total} {label}"
        if self.tty:
            self.out.write("\r" + line[:200] + "\x1b[K")
        else:
            self.out.write(line + "\n")
        self.out.flush()

    def close(self) -> None:
        if self.tty:
            self.out.write("\n")
            self.out.flush()


def _hits_of(update: Any) -> tuple[Any, ...]:
    return tuple(getattr(update, "new_hits", ()) or ())


def _level_text(level: Level | None, lang: str) -> str:
    return level.label(lang) if level is not None else "-"


# ---------------------------------------------------------------------------------------------
# transcribe / listen
# ---------------------------------------------------------------------------------------------


def _detector_session() -> Any:
    from screening.transcript import ScriptDetector

    return ScriptDetector.default().session()


def _print_live(ctx: CliContext, partials: bool) -> Any:
    def on_update(segment: TranscriptSegment, update: Any) -> None:
        if segment.is_final or partials:
            mark = "" if segment.is_final else "… "
            print(f"[{_clock(segment.start)}–{_clock(segment.end)}] {mark}{segment.text}", file=ctx.out, flush=True)
        for hit in _hits_of(update):
            t = getattr(hit, "t", None)
            where = _clock(t) if t is not None else "?"
            cat = hit.category_text.render(ctx.lang) if hasattr(hit, "category_text") else hit.category
            print(
                ctx.t(
                    f"  ⚠ {where} 命中话术「{hit.matched}」（{cat}）",
                    f"  ⚠ {where} scam phrase “{hit.matched}” ({cat})",
                ),
                file=ctx.out,
                flush=True,
            )

    return on_update


def _grammar(ctx: CliContext, model: Any, keywords_file: str | None) -> Any:
    from speech.recognizer import build_grammar

    if not keywords_file:
        return None
    phrases = Path(keywords_file).read_text(encoding="utf-8-sig").splitlines()
    grammar = build_grammar(model, phrases)
    if grammar.dropped:
        print(
            ctx.t(
                f"注意：{len(grammar.dropped)} 个关键词不在模型词表中，已忽略：{'、'.join(grammar.dropped)}",
                f"note: {len(grammar.dropped)} keywords are not in the model vocabulary and were ignored: "
                + ", ".join(grammar.dropped),
            ),
            file=ctx.err,
            flush=True,
        )
    return grammar


def cmd_transcribe(args: argparse.Namespace, ctx: CliContext) -> int:
    from screening.transcript.explain import hit_to_dict
    from speech.audio import FileSource, probe
    from speech.pipeline import TranscriptionRun
    from speech.recognizer import load_model

    try:
        info = probe(args.file)
        resolved = _resolve(ctx, args.model)
        model = load_model(resolved.path)
        grammar = _grammar(ctx, model, args.keywords)
    except SpeechError as exc:
        return _fail(ctx, exc)
    session = _detector_session()
    on_update = None if args.json else _print_live(ctx, args.partials)
    run = TranscriptionRun(FileSource(args.file), model.recognizer(grammar=grammar), sink=session, on_update=on_update)
    run.start()
    try:
        result = run.wait()
    except KeyboardInterrupt:
        result = run.stop()
        raise
    assert result is not None
    assessment = session.assessment
    # a model of another language wrote its own script and nothing was found in it: no verdict, and why (a trial's
    # Korean model turned a Mandarin scam call into Hangul and this said ○ 未发现诈骗)
    heard = not_chinese_warning(str(args.file), result.text) if heard_nothing(result.text, assessment.hits) else None
    if args.json:
        out = {
            "file": str(args.file),
            "codec": info.codec,
            "sample_rate": info.sample_rate,
            "audio_s": round(result.audio_s, 2),
            "model": str(resolved.path),
            "model_source": resolved.source.name.lower(),
            "segments": [{"text": s.text, "start": s.start, "end": s.end} for s in result.segments],
            "transcript": result.text,
            "level": "unknown" if heard else assessment.level.name.lower(),
            "checked": heard is None,
            "score": assessment.score,
            "category": assessment.category,
            "hits": [hit_to_dict(h) for h in assessment.hits],
            "error": result.error.render(ctx.lang) if result.error else None,
            "warning": heard.render(ctx.lang) if heard else None,
        }
        print(json.dumps(out, ensure_ascii=False, indent=2), file=ctx.out)
    else:
        print(
            ctx.t(
                f"—— {Path(args.file).name}：{result.audio_s:.1f} 秒（{info.codec}，{info.sample_rate} Hz），"
                f"模型来自{resolved.source.label('zh')}",
                f"—— {Path(args.file).name}: {result.audio_s:.1f} s ({info.codec}, {info.sample_rate} Hz), "
                f"model from the {resolved.source.label('en')}",
            ),
            file=ctx.out,
        )
        if not result.text:
            print(ctx.t("（没有识别出语音）", "(no speech recognised)"), file=ctx.out)
        if heard is not None:
            print(
                ctx.t("风险：", "risk: ")
                + f"{level_word(Level.UNKNOWN, ctx.lang)} — {no_verdict_text('failed', ctx.lang)}",
                file=ctx.out,
            )
            print("  · " + heard.render(ctx.lang), file=ctx.out)
        else:
            cat = shown_category(assessment.level, assessment.category, assessment.category_text, ctx.lang)
            print(
                ctx.t("风险：", "risk: ")
                + f"{level_word(assessment.level, ctx.lang, about_text=True)} — {text_verdict(assessment.level, ctx.lang, cues=bool(assessment.hits))}"
                + ctx.t(f"（{assessment.score:.2f}）", f" ({assessment.score:.2f})")
                + (ctx.t("　类别：", "  category: ") + cat if cat else ""),
                file=ctx.out,
            )
            for reason in assessment.reasons:
                print("  · " + reason.render(ctx.lang), file=ctx.out)
    if result.error is not None:
        print(result.error.render(ctx.lang), file=ctx.err)
        return EXIT_ERROR
    return 0


def cmd_listen(args: argparse.Namespace, ctx: CliContext) -> int:
    from speech.audio import LiveSource, list_input_devices
    from speech.pipeline import TranscriptionRun
    from speech.recognizer import load_model

    if args.list_devices:
        for dev in list_input_devices():
            star = "*" if dev.is_default else " "
            print(
                f"{star}{dev.index:3d}  {dev.name}  ({dev.hostapi}, {dev.channels} ch, {dev.default_samplerate:.0f} Hz)",
                file=ctx.out,
            )
        return 0
    from app.settings import is_device_number

    device: int | str | None = int(args.device) if is_device_number(args.device) else args.device
    try:
        model = load_model(_resolve(ctx, args.model).path)
        grammar = _grammar(ctx, model, args.keywords)
    except SpeechError as exc:
        return _fail(ctx, exc)
    session = _detector_session()
    run = TranscriptionRun(
        LiveSource(device=device), model.recognizer(grammar=grammar), sink=session, on_update=_print_live(ctx, False)
    )
    run.start()
    print(ctx.t("正在收听…（Ctrl-C 停止）", "listening… (Ctrl-C stops)"), file=ctx.err, flush=True)
    deadline = time.monotonic() + args.seconds if args.seconds > 0 else None
    try:
        while run.running and (deadline is None or time.monotonic() < deadline):
            time.sleep(0.1)
    finally:
        result = run.stop()
    if result is not None and result.error is not None:
        return _fail(ctx, result.error)
    a = session.assessment
    print(ctx.t(f"风险：{a.level.zh}（{a.score:.2f}）", f"risk: {a.level.en} ({a.score:.2f})"), file=ctx.out)
    if session.level > a.level:  # the live level never drops: say what was shown while listening
        print(
            ctx.t(f"（收听中曾提示：{session.level.zh}）", f"(shown while listening: {session.level.en})"), file=ctx.out
        )
    return 0


# ---------------------------------------------------------------------------------------------
# scan-recordings
# ---------------------------------------------------------------------------------------------


def cmd_scan(args: argparse.Namespace, ctx: CliContext) -> int:
    from app.operations.recordings import scan_and_store
    from speech.batch import CANCELLED, DONE, FAILED, SKIPPED, BatchProgress, collect_files

    try:
        resolved = _resolve(ctx, args.model)
    except SpeechError as exc:
        return _fail(ctx, exc)
    files = [f for item in args.paths for f in collect_files(item)]
    if not files:
        print(ctx.t("没有找到录音文件。", "No recordings found."), file=ctx.err)
        return EXIT_ERROR
    bar = ProgressBar(ctx.err, len(files))
    bar.update(0, ctx.t("加载模型…", "loading model…"))
    status_text = {
        DONE: ctx.t("完成", "done"),
        SKIPPED: ctx.t("已扫描过，跳过", "seen before, skipped"),
        FAILED: ctx.t("失败", "failed"),
        CANCELLED: ctx.t("已取消", "cancelled"),
    }

    def progress(p: BatchProgress) -> None:
        bar.update(p.done, f"{Path(p.result.path).name} — {status_text.get(p.result.status, p.result.status)}")

    cancel = threading.Event()
    try:
        summary = scan_and_store(
            files,
            resolved.path,
            paths.db_path(ctx.data_dir),
            workers=max(1, args.workers),
            progress=progress,
            cancel=cancel,
            rescan=args.rescan,
        )
    except SpeechError as exc:
        bar.close()
        return _fail(ctx, exc)
    except KeyboardInterrupt:
        cancel.set()
        raise
    finally:
        bar.close()
    if args.json:
        rows = [
            {
                "file": r.path,
                "status": r.status,
                "duration_s": round(r.duration_s, 2),
                "level": r.level.name.lower() if r.level is not None else None,
                "score": r.score,
                "category": r.category,
                "transcript": r.transcript,
                "hits": [h.get("matched") for h in r.hits],
                "error": r.error.render(ctx.lang) if r.error else None,
                "history_id": r.history_id,
            }
            for r in summary.results
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2), file=ctx.out)
    else:
        head = (ctx.t("文件", "file"), ctx.t("状态", "status"), ctx.t("风险", "risk"), ctx.t("说明", "details"))
        width = max([wcswidth(head[0])] + [wcswidth(Path(r.path).name) for r in summary.results]) + 2
        sw = max(wcswidth(t) for t in [head[1], *status_text.values()]) + 2
        print(_pad(head[0], width) + _pad(head[1], sw) + _pad(head[2], 8) + head[3], file=ctx.out)
        for r in summary.results:
            if r.status == DONE:
                detail = "、".join(str(h.get("matched")) for h in r.hits) or r.transcript[:40]
            else:
                detail = r.error.render(ctx.lang) if r.error else ""
            if r.status == DONE and r.error is not None:
                detail += "  (" + r.error.render(ctx.lang) + ")"
            print(
                _pad(Path(r.path).name, width)
                + _pad(status_text.get(r.status, r.status), sw)
                + _pad(_level_text(r.level, ctx.lang), 8)
                + detail,
                file=ctx.out,
            )
        print(
            ctx.t(
                f"共 {len(summary.results)} 个：完成 {summary.count(DONE)}，跳过 {summary.count(SKIPPED)}，"
                f"失败 {summary.count(FAILED)}；用时 {summary.elapsed_s:.1f} 秒",
                f"{len(summary.results)} files: {summary.count(DONE)} done, {summary.count(SKIPPED)} skipped, "
                f"{summary.count(FAILED)} failed; {summary.elapsed_s:.1f} s",
            ),
            file=ctx.out,
        )
    return EXIT_ERROR if summary.count(FAILED) else 0


# ---------------------------------------------------------------------------------------------
# model
# ---------------------------------------------------------------------------------------------


def cmd_model_status(args: argparse.Namespace, ctx: CliContext) -> int:
    from app.audio.model import language_warning
    from speech.models import CATALOGUE, installed_models

    try:
        resolved = _resolve(ctx, None)
    except SpeechError as exc:
        resolved = None
        problem = exc
    installed = installed_models(ctx.data_dir)
    # of another language by its name or README (a command runs in a process of its own: no load found it yet)
    heard = language_warning(resolved) if resolved else None
    if args.json:
        out = {
            "model": str(resolved.path) if resolved else None,
            "source": resolved.source.name.lower() if resolved else None,
            "keyword_mode": resolved.info.lookahead if resolved else None,
            "error": None if resolved else problem.render(ctx.lang),
            "warning": heard.render(ctx.lang) if heard else None,
            "installed": [str(m.path) for m in installed],
            "catalogue": {k: {"name": v.name, "url": v.url, "sha256": v.sha256} for k, v in CATALOGUE.items()},
        }
        print(json.dumps(out, ensure_ascii=False, indent=2), file=ctx.out)
        return 0 if resolved else EXIT_ERROR
    if resolved is None:
        print(problem.render(ctx.lang), file=ctx.out)
    else:
        kw = ctx.t("支持", "yes") if resolved.info.lookahead else ctx.t("不支持", "no")
        print(
            ctx.t(
                f"当前模型：{resolved.path}（来自{resolved.source.label('zh')}，{resolved.info.size_bytes / 1e6:.0f} MB，"
                f"关键词模式：{kw}）",
                f"model in use: {resolved.path} (from the {resolved.source.label('en')}, "
                f"{resolved.info.size_bytes / 1e6:.0f} MB, keyword mode: {kw})",
            ),
            file=ctx.out,
        )
        if heard is not None:
            print("⚠ " + heard.render(ctx.lang), file=ctx.out)
    for key, spec in CATALOGUE.items():
        have = any(m.name == spec.name for m in installed)
        mark = ctx.t("已安装", "installed") if have else ctx.t("未安装", "not installed")
        print(f"  {key:6s} {spec.name}  [{mark}]  {spec.zh if ctx.lang == 'zh' else spec.en}", file=ctx.out)
    return 0 if resolved else EXIT_ERROR


def cmd_model_import(args: argparse.Namespace, ctx: CliContext) -> int:
    from speech.models import import_model
    from speech.recognizer import load_model

    try:
        info = import_model(args.path, ctx.data_dir)
        loaded = load_model(info.path)  # prove Vosk accepts it before we call it installed
    except SpeechError as exc:
        return _fail(ctx, exc)
    print(ctx.t(f"已导入模型：{info.path}", f"model imported: {info.path}"), file=ctx.out)
    heard = loaded.language_warning()  # imported all the same (it is what was asked for), and said plainly
    if heard is not None:
        print(heard.render(ctx.lang), file=ctx.err)
    return 0


def cmd_model_remove(args: argparse.Namespace, ctx: CliContext) -> int:
    """Delete a model the app installed: the one in use, or the one named; the settings stop naming it."""
    import dataclasses

    from app.audio.model import detach_app_model
    from app.settings import load_settings, save_settings
    from speech.models import installed_models, models_dir, purge_folder

    if args.name:
        folder = models_dir(ctx.data_dir) / args.name
        if not folder.is_dir() or args.name.startswith(".") or Path(args.name).name != args.name:
            installed = ", ".join(m.name for m in installed_models(ctx.data_dir)) or ctx.t("（没有）", "(none)")
            print(
                ctx.t(
                    f"数据文件夹里没有名为“{args.name}”的模型。已安装：{installed}",
                    f"No model named “{args.name}” in the data folder. Installed: {installed}",
                ),
                file=ctx.err,
            )
            return EXIT_ERROR
    else:
        try:
            folder = _resolve(ctx, None).path
        except SpeechError as exc:
            return _fail(ctx, exc)
    if not args.yes:
        if not sys.stdin.isatty():
            print(
                ctx.t(
                    f"将删除模型文件夹 {folder}。确认请加 --yes。",
                    f"This deletes the model folder {folder}. Add --yes to confirm.",
                ),
                file=ctx.err,
            )
            return EXIT_ERROR
        answer = input(ctx.t(f"删除模型文件夹 {folder}？[y/N] ", f"Delete the model folder {folder}? [y/N] "))
        if answer.strip().lower() not in ("y", "yes", "是"):
            print(ctx.t("没有删除。", "Nothing deleted."), file=ctx.out)
            return EXIT_ERROR
    settings = load_settings(ctx.data_dir)
    try:
        removed = detach_app_model(ctx.data_dir, folder, settings.model_path)
    except SpeechError as exc:
        return _fail(ctx, exc)
    purge_folder(removed.detached)
    if removed.was_chosen:
        save_settings(ctx.data_dir, dataclasses.replace(settings, model_path=None))
    print(ctx.t(f"已删除模型：{removed.name}", f"Model deleted: {removed.name}"), file=ctx.out)
    return 0


def cmd_model_download(args: argparse.Namespace, ctx: CliContext) -> int:
    from speech.models import CATALOGUE, download_model

    spec = CATALOGUE[args.which]
    if spec.sha256 is None and not args.sha256 and not args.no_verify:
        print(
            ctx.t(
                "大模型没有官方公布的 SHA-256。请用 --sha256 提供校验值，或用 --no-verify 表示接受仅检查文件结构。",
                "The large model has no published SHA-256. Pass --sha256, or --no-verify to accept a structure-only check.",
            ),
            file=ctx.err,
        )
        return EXIT_ERROR
    from app.settings import load_settings
    from speech.models import check_mirror_url

    # --url, else the download address saved in the app's settings, else the official one (SHA-256 checked in all cases)
    mirror = args.url or load_settings(ctx.data_dir).model_mirror
    try:
        url = check_mirror_url(mirror) if mirror else None
    except SpeechError as exc:
        return _fail(ctx, exc)
    print(ctx.t(f"下载 {url or spec.url} …", f"downloading {url or spec.url} …"), file=ctx.err)
    last = [0.0]
    tty = sys.stderr.isatty()

    def progress(done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - last[0] < (0.2 if tty else 2.0) and (total is None or done < total):
            return
        last[0] = now
        if total:
            bar = ProgressBar(ctx.err, total // 1_000_000 or 1)
            bar.tty = tty
            bar.update(done // 1_000_000, "MB")
        else:
            print(f"{done / 1e6:.1f} MB", file=ctx.err, flush=True)

    try:
        result = download_model(spec, ctx.data_dir, progress=progress, url=url, sha256=args.sha256)
    except SpeechError as exc:
        if tty:
            print(file=ctx.err)
        return _fail(ctx, exc)
    if tty:
        print(file=ctx.err)
    state = ctx.t("已校验", "verified") if result.verified else ctx.t("未校验（无官方校验值）", "not verified")
    print(
        ctx.t(
            f"已安装 {result.info.path}（SHA-256 {result.sha256}，{state}）",
            f"installed {result.info.path} (SHA-256 {result.sha256}, {state})",
        ),
        file=ctx.out,
    )
    return 0
