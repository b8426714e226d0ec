"""Translated errors of the speech core: model management, audio input and recognition.

Core code raises :class:`SpeechError` carrying a :class:`~screening.i18n.Message`; the CLI and the UI
render it in the user's language (``err.message.render("en")``).
"""

from __future__ import annotations

from typing import Any

from screening.i18n import Message, MessageCode, command_hint

# How to get the Chinese speech model from the command line, said after the app's way wherever a model is missing or
# of another language: one wording for every such message (``import`` takes the archive or folder); the app leaves it
# out (``screening.i18n.command_hint``)
MODEL_COMMANDS_ZH = command_hint("（命令行：callshield model download，或 callshield model import <压缩包或文件夹>）")
MODEL_COMMANDS_EN = command_hint(
    " (command line: callshield model download, or callshield model import <zip or folder>)"
)


class SpeechProblem(MessageCode):
    """Everything that can go wrong between a microphone/recording and a transcript."""

    # --- model management -------------------------------------------------------------------
    # (said in the app and on the command line alike: each way is named, the app's buttons first)
    NO_MODEL = (
        "未找到语音识别模型。请在“设置”的“语音识别模型”里点“下载模型”，或用“从压缩包导入…”导入已有的模型"
        f"{MODEL_COMMANDS_ZH}。",
        "No speech model found. In Settings, under Speech model, click Download model, or Import from zip… for a "
        f"model you already have{MODEL_COMMANDS_EN}.",
    )
    WRONG_FOLDER = (
        "“{path}”不是 Vosk 模型文件夹（缺少 {missing}）。",
        "“{path}” is not a Vosk model folder (missing {missing}).",
    )
    CORRUPT_ZIP = (
        "模型压缩包已损坏或不完整（{path}）：{detail}",
        "The model archive is damaged or incomplete ({path}): {detail}",
    )
    ZIP_NO_MODEL = (
        "压缩包里没有 Vosk 模型（{path}）。",
        "The archive holds no Vosk model ({path}).",
    )
    CHECKSUM_MISMATCH = (
        "模型文件校验失败：SHA-256 应为 {expected}，实际为 {actual}。文件已删除，请重新下载。",
        "Model file failed verification: SHA-256 should be {expected} but is {actual}. "
        "The file was deleted; please download again.",
    )
    SIZE_MISMATCH = (
        "模型文件大小不对：应为 {expected} 字节，实际为 {actual} 字节。",
        "Model file has the wrong size: expected {expected} bytes, got {actual}.",
    )
    DISK_FULL = (
        "磁盘空间不足：需要约 {needed_mb} MB，“{path}”所在磁盘只剩 {free_mb} MB。",
        "Not enough disk space: about {needed_mb} MB needed, only {free_mb} MB free at “{path}”.",
    )
    MODEL_LOAD_FAILED = (
        "Vosk 无法加载模型“{path}”：文件可能已损坏或版本不兼容。",
        "Vosk could not load the model “{path}”: the files may be damaged or from an incompatible version.",
    )
    MODEL_NOT_LOADABLE = (
        "导入的模型无法被 Vosk 加载（{path}），文件可能已损坏或不是模型；原来的模型保持不变。",
        "Vosk could not load the model being imported ({path}); the files may be damaged or not a model. "
        "The model you had is unchanged.",
    )
    MODEL_TOO_LARGE = (
        "模型压缩包解压后有 {size_mb} MB，超过 {limit_mb} MB 的上限，已拒绝（可能不是模型，或是“压缩炸弹”）。",
        "The model archive would unpack to {size_mb} MB, more than the {limit_mb} MB limit; refused "
        "(probably not a model, or a zip bomb).",
    )
    DOWNLOAD_FAILED = (
        "模型下载失败：连不上下载服务器（没有网络，或网络不让访问这个网址）。请检查网络后重试，"
        "或在能上网的电脑上下载模型压缩包，再用“从压缩包导入…”"
        + command_hint("（命令行：callshield model import）")
        + "导入。（{detail}）",
        "Model download failed: the download server could not be reached (no network, or the network blocks this "
        "address). Check the network and try again, or download the model archive on a computer that is online and "
        "use Import from zip…" + command_hint(" (command line: callshield model import)") + ". ({detail})",
    )
    DOWNLOAD_HTTP_ERROR = (
        "模型下载失败：服务器返回 {status}。请稍后重试。",
        "Model download failed: the server answered {status}. Please try again later.",
    )
    DOWNLOAD_TRUNCATED = (
        "模型下载中断：只收到 {received}/{expected} 字节。再次下载会从断点继续。",
        "Model download was cut off: received {received} of {expected} bytes. Downloading again resumes it.",
    )
    DOWNLOAD_CANCELLED = (
        "已取消下载（已下载部分会保留，下次继续）。",
        "Download cancelled (the part already downloaded is kept and resumed next time).",
    )
    BAD_MIRROR_URL = (
        "下载地址“{url}”无效：请填写以 http:// 或 https:// 开头的完整网址，或留空使用官方地址。",
        "The download address “{url}” is not valid: enter a full http:// or https:// address, "
        "or leave it empty for the official one.",
    )
    UNKNOWN_MODEL = (
        "未知的模型名称“{name}”。可选：{choices}",
        "Unknown model name “{name}”. Choices: {choices}",
    )
    GRAMMAR_UNSUPPORTED = (
        "此模型（{path}）不支持关键词模式（需要带 Gr.fst/HCLr.fst 的小模型）。",
        "This model ({path}) does not support keyword mode (it needs a small model with Gr.fst/HCLr.fst).",
    )
    GRAMMAR_EMPTY = (
        "关键词列表中没有一个词在模型词表里，无法使用关键词模式。",
        "None of the keywords is in the model's vocabulary; keyword mode cannot be used.",
    )
    # --- audio --------------------------------------------------------------------------------
    FILE_MISSING = ("找不到音频文件“{path}”。", "Audio file “{path}” not found.")
    FILE_EMPTY = ("音频文件“{path}”是空的（0 字节）。", "Audio file “{path}” is empty (0 bytes).")
    NOT_A_REGULAR_FILE = (
        "“{path}”不是普通文件（设备、管道或文件夹），已跳过。",
        "“{path}” is not a regular file (a device, a pipe or a folder); skipped.",
    )
    NOT_AUDIO = (
        "“{path}”不是可识别的音频文件。",
        "“{path}” is not an audio file we can read.",
    )
    NO_AUDIO_STREAM = ("“{path}”里没有音频。", "“{path}” contains no audio.")
    UNSUPPORTED_CODEC = (
        "“{path}”使用了不支持的音频编码（{codec}）。",
        "“{path}” uses an unsupported audio codec ({codec}).",
    )
    TRUNCATED = (
        "音频文件“{path}”不完整（可能被截断），已转写能读到的 {seconds:.1f} 秒。",
        "Audio file “{path}” is incomplete (probably truncated); transcribed the {seconds:.1f} s that could be read.",
    )
    NOT_CHINESE = (
        "“{path}”转写出的文字几乎不是中文（如“{sample}”）：用的语音模型可能不是中文模型，结论不可信。"
        f"请在“设置”里下载或导入中文语音模型{MODEL_COMMANDS_ZH}，再分析一次。",
        "What was transcribed from “{path}” is hardly Chinese (such as “{sample}”): the speech model may not be a "
        "Chinese one, so the verdict cannot be trusted. Download or import the Chinese speech model in Settings "
        f"{MODEL_COMMANDS_EN}, then analyse it again.",
    )
    NOT_CHINESE_MODEL = (
        "语音模型 {path} 不是中文模型（它的词表、名称或说明文件 README 写的是别的语言）：中文通话会被转写成别的文字，"
        "无法判断是不是诈骗。请在“设置”里下载或导入中文语音模型 vosk-model-small-cn-0.22"
        f"{MODEL_COMMANDS_ZH}。",
        "The speech model {path} is not a Chinese model (its vocabulary, name or README is of another language): "
        "Chinese calls would come out as another language and could not be judged. Download or import the "
        f"Chinese speech model vosk-model-small-cn-0.22 in Settings{MODEL_COMMANDS_EN}.",
    )
    MODEL_NOT_REMOVABLE = (
        "“{path}”不是本程序下载或导入的模型（不在数据文件夹的 models 里），程序不会删除它；不再需要的话，请自己删除这个文件夹，"
        "或下载、导入另一个模型。",
        "“{path}” was not downloaded or imported by this app (it is not in the data folder's models), so the app does "
        "not delete it; if you no longer need it, delete the folder yourself, or download or import another model.",
    )
    MODEL_IN_USE = (
        "语音模型正在使用（正在转写通话、分析录音、试录，或在导入、下载模型），现在不能删除；结束后再删除。",
        "The speech model is in use (a call or a recording is being transcribed, or a model is being imported or "
        "downloaded), so it cannot be deleted now; delete it when that has finished.",
    )
    MODEL_REMOVE_FAILED = (
        "无法删除模型文件夹“{path}”：{detail}。模型保持原样；请关闭正在用它的程序后再试。",
        "Could not delete the model folder “{path}”: {detail}. The model is as it was; close anything using it and "
        "try again.",
    )
    DEVICE_NOT_FOUND = ("找不到录音设备“{device}”。", "Recording device “{device}” not found.")
    DEVICE_OPEN_FAILED = (
        "无法打开录音设备“{device}”：{detail}",
        "Could not open recording device “{device}”: {detail}",
    )
    DEVICE_GONE = (
        "录音设备已断开（{detail}）。已保留断开前转写的内容。",
        "The recording device went away ({detail}). What was transcribed before is kept.",
    )
    # --- pipeline -----------------------------------------------------------------------------
    DETECTOR_FAILED = (
        "诈骗话术检测出错：{detail}（转写继续进行）",
        "The scam-script detector failed: {detail} (transcription continues)",
    )
    INTERNAL = ("语音处理内部错误：{detail}", "Internal speech error: {detail}")


class SpeechError(Exception):
    """An expected failure with a translated explanation (``.message``)."""

    def __init__(self, code: SpeechProblem, **params: Any) -> None:
        self.message = Message(code, params)
        super().__init__(self.message.render("en"))

    @property
    def code(self) -> SpeechProblem:
        code = self.message.code
        assert isinstance(code, SpeechProblem)
        return code

    def render(self, lang: str = "zh") -> str:
        return self.message.render(lang)


class ModelError(SpeechError):
    """Missing, malformed or unloadable model; failed download or import."""


class AudioError(SpeechError):
    """A file or device that cannot be read (or stopped being readable)."""
