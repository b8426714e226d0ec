"""Codes (zh/en) for everything that can go wrong with keys, bundles, subscriptions and reports.

Core code raises ``SubscriptionError(Message(code, params))``; the CLI and the UI render the message in
the user's language.  Every failed update leaves the last good list in force, so the messages say so
where it helps the user decide what to do.
"""

from __future__ import annotations

from screening.i18n import Message, MessageCode


class SubscriptionProblem(MessageCode):
    # keys
    BAD_KEY = ("密钥无法识别（{detail}）", "the key is not a usable minisign key ({detail})")
    WRONG_PASSPHRASE = ("口令不对，无法打开私钥", "wrong passphrase: the secret key could not be opened")
    NO_PASSPHRASE = (
        "需要口令：在终端输入，或设置环境变量 CALLSHIELD_KEY_PASSPHRASE",
        "a passphrase is needed: type it on a terminal or set CALLSHIELD_KEY_PASSPHRASE",
    )
    PASSPHRASE_MISMATCH = ("两次输入的口令不一致", "the two passphrases differ")
    KEY_EXISTS = ("{path} 已存在，不会覆盖", "{path} already exists; it is not overwritten")
    # signatures
    BAD_SIGNATURE_FILE = ("签名文件格式不对（{detail}）", "the signature file is malformed ({detail})")
    OTHER_KEY = (
        "名单由另一把密钥（{found}）签名，不是订阅时固定的密钥（{expected}）",
        "the list is signed by another key ({found}), not the key pinned when subscribing ({expected})",
    )
    BAD_SIGNATURE = (
        "签名不符：清单被改动过，或不是发布者签的",
        "the signature does not match: the manifest was altered or not signed by the publisher",
    )
    COMMENT_MISMATCH = (
        "签名里的受信注释与清单内容不一致（{field}）",
        "the signed trusted comment does not match the manifest ({field})",
    )
    # manifest and files
    BAD_MANIFEST = ("清单 manifest.json 无法识别（{detail}）", "manifest.json is not usable ({detail})")
    WRONG_LIST = (
        "这是名单“{found}”，而订阅的是“{expected}”",
        "this is list “{found}”, but the subscription is for “{expected}”",
    )
    ROLLBACK = (
        "收到的版本号 {found} 不比已有的 {current} 新（可能是旧版本重放），继续使用现有名单",
        "the offered serial {found} is not newer than the {current} you have (a replayed old list?); "
        "keeping the current list",
    )
    EXPIRED = (
        "服务器上的名单已于 {expires_at} 过期，需要发布者重新发布；继续使用现有名单",
        "the list on the server expired on {expires_at}; the publisher must publish again; keeping the current list",
    )
    APP_TOO_OLD = (
        "这个名单需要来电护盾 {min_version} 或更新版本（当前 {version}）",
        "this list needs CallShield {min_version} or newer (this is {version})",
    )
    UNSAFE_NAME = (
        "清单里的文件名“{name}”不安全（指向名单包之外），已拒绝",
        "the manifest names the file “{name}”, which points outside the bundle; refused",
    )
    SIZE_MISMATCH = (
        "文件 {name} 大小不符：清单写 {expected} 字节，实际 {found} 字节",
        "file {name} has the wrong size: the manifest says {expected} bytes, it has {found}",
    )
    TOO_LARGE = (
        "文件 {name} 超过 {limit} 字节（比清单声明的大），已停止下载",
        "file {name} is larger than {limit} bytes (more than the manifest announces); download stopped",
    )
    HASH_MISMATCH = (
        "文件 {name} 的 SHA-256 校验不符：内容被改动或已损坏",
        "file {name} fails its SHA-256 check: it was altered or damaged",
    )
    BAD_ENTRY_FILE = ("名单文件 {name} 第 {line} 行无法识别：{detail}", "list file {name}, line {line}: {detail}")
    NO_FULL_FILE = ("清单里没有完整名单文件", "the manifest lists no full snapshot")
    COUNT_MISMATCH = (
        "更新后条目数 {found} 与清单声明的 {expected} 不符",
        "after the update the list has {found} entries, the manifest says {expected}",
    )
    # transport
    HTTP_STATUS = ("服务器返回 HTTP {status}（{url}）", "the server answered HTTP {status} ({url})")
    NOT_A_LIST = (
        "服务器返回的是网页（HTML），不是名单文件（{url}）",
        "the server returned a web page (HTML), not a list file ({url})",
    )
    TIMEOUT = (
        "连接或下载 {url} 超时（{seconds} 秒内没有完成），已停止，没有导入任何内容",
        "{url} timed out (not done within {seconds} s); stopped, nothing was imported",
    )
    NETWORK = (
        "无法连接 {url}：请检查网络连接、代理设置或地址是否正确（系统提示：{detail}）",
        "cannot reach {url}: check the network connection, the proxy settings or the address (system says: {detail})",
    )
    BAD_REDIRECT = (
        "服务器把 {url} 转到了 {target}，不是 http:// 或 https:// 地址，已拒绝",
        "the server redirected {url} to {target}, which is not an http:// or https:// address; refused",
    )
    TRUNCATED = (
        "下载不完整：{name} 在 {got} 字节处中断",
        "incomplete download: {name} broke off after {got} bytes",
    )
    CANCELLED = (
        "下载已取消，没有导入任何内容；正在使用的名单保持不变",
        "the download was cancelled; nothing was imported and the lists in use are unchanged",
    )
    NOT_FOUND_LOCAL = ("找不到 {path}", "{path} not found")
    BAD_ZIP = ("不是有效的 zip 名单包：{detail}", "not a usable zip bundle: {detail}")
    BAD_SOURCE = (
        "不认识的名单地址：{source}（需要 http(s):// 网址、文件夹或 .zip 文件）",
        "unknown list address: {source} (give an http(s):// URL, a folder or a .zip file)",
    )
    # subscriptions
    NO_SUCH_SUBSCRIPTION = ("没有名为“{name}”的订阅", "there is no subscription named “{name}”")
    NAME_TAKEN = ("名单名“{name}”已被使用", "the list name “{name}” is already in use")
    NO_SUBSCRIPTIONS = ("还没有订阅任何名单", "there are no subscriptions yet")
    # publishing
    NOTHING_TO_PUBLISH = ("名单“{name}”是空的，没有可发布的内容", "list “{name}” is empty; nothing to publish")
    PREVIOUS_BUNDLE_BROKEN = (
        "输出目录里的上一版名单包无法验证（{detail}）；不会覆盖。换一个空目录，或先修好它",
        "the previous bundle in the output folder does not verify ({detail}); not overwriting it. "
        "Use an empty folder or repair it first",
    )
    # reports
    BAD_REPORT_NUMBER = ("“{value}” 不是可举报的号码：{reason}", "“{value}” cannot be reported: {reason_en}")
    BAD_REPORT_CATEGORY = (
        "未知举报分类“{value}”（可用：诈骗/骚扰/推销/自定义/正常）",
        "unknown report category “{value}” (fraud/harassment/sales/custom/safe)",
    )
    BAD_REPORT_FILE = ("举报文件 {name} 无法使用：{detail}", "report file {name} is not usable: {detail}")


class SubscriptionError(ValueError):
    """A user-facing failure.  ``message`` renders in zh or en; ``code`` is for programs and tests."""

    def __init__(self, code: SubscriptionProblem, **params: object) -> None:
        self.message = Message(code, params)
        self.code = code
        super().__init__(self.message.render("en"))


class DownloadCancelled(Exception):
    """The caller cancelled (its ``cancel`` Event was set): the download stopped and nothing from it was stored.

    Not a ``SubscriptionError``, on purpose: it is no problem of the list, so no mirror is tried after it, no failure
    is recorded (the schedule and the last good list stay as they were) and no error is shown.  ``message`` still
    renders in zh/en for a caller that wants to say what happened."""

    def __init__(self) -> None:
        self.code = SubscriptionProblem.CANCELLED
        self.message = Message(self.code, {})
        super().__init__(self.message.render("en"))
