"""``callshield scan-text`` through the real command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT

SCAM = "您好，我是电信营业厅客服，您的积分即将过期，请把收到的验 证 马告诉我，再加扣扣群幺二三四五六七。"


def test_scan_text_stdin_shows_verdict_and_highlighted_evidence(run_cli) -> None:
    r = run_cli("scan-text", "-", input=SCAM)
    assert r.returncode == 0, r.stderr
    assert "结论：✖ 拦截 — 诈骗话术" in r.stdout
    assert "类别：冒充运营商或银行客服" in r.stdout
    assert "〖积分即将过期〗" in r.stdout
    # the text as given, cues marked on its own words (it showed the normalised 「〖加qq群〗1234567」)
    assert "〖收到的验证马告诉我〗，再〖加扣扣群〗幺二三四五六七。" in r.stdout
    assert "听起来像「验证码」" in r.stdout
    assert "QQ群号：1234567" in r.stdout
    # a family member's view: no rule ids, weights or character offsets unless asked for
    assert "telecom.points_expiring" not in r.stdout and "权重 0." not in r.stdout and "[39-46]" not in r.stdout
    assert "--details" in r.stdout
    d = run_cli("scan-text", "--details", "-", input=SCAM)
    assert "telecom.points_expiring" in d.stdout and "权重 0.45" in d.stdout and "按读音匹配「验证码」" in d.stdout
    assert "QQ群号：1234567 [39-46]" in d.stdout and "[telecom_points]" in d.stdout


def test_scan_text_file_english_and_json(run_cli, tmp_path: Path) -> None:
    f = tmp_path / "call.txt"
    f.write_text(SCAM, encoding="gbk")  # saved by a Chinese-locale editor
    r = run_cli("scan-text", str(f), env={"CALLSHIELD_LANG": "en"})
    assert r.returncode == 0, r.stderr
    assert "Verdict: ✖ block — a scam script" in r.stdout and "Why:" in r.stdout
    r = run_cli("scan-text", str(f), "--details", env={"CALLSHIELD_LANG": "en"})
    assert "Evidence" in r.stdout and "weight" in r.stdout
    r = run_cli("scan-text", str(f), "--json")
    doc = json.loads(r.stdout)
    assert doc["level"] == "BLOCK" and doc["category"] == "telecom_points"
    hit = next(h for h in doc["hits"] if h["matched"] == "积分即将过期")
    assert doc["text"][hit["start"] : hit["end"]] == "积分即将过期"
    assert {"kind": "qq_group", "value": "1234567"} in [{k: e[k] for k in ("kind", "value")} for e in doc["entities"]]


def test_scan_text_everyday_call_is_not_flagged(run_cli) -> None:
    r = run_cli("scan-text", "-", input="妈，我今天晚上回家吃饭，你不用等我了。", env={"CALLSHIELD_LANG": "en"})
    assert r.returncode == 0
    assert "Verdict: ○ no scam found — none of the usual scam wording in it" in r.stdout


def test_scan_text_weak_cue_in_an_honest_sms_is_not_named_a_scheme(run_cli) -> None:
    """A shipping notice that names its courier: one weak cue, shown as such, and no scam category as its 类别."""
    sms = "【京东】您的订单已发货，快递员电话13800001234，请保持电话畅通。"
    r = run_cli("scan-text", "--style", "sms", "-", input=sms)
    assert r.returncode == 0, r.stderr
    # not 「? 未知」, which read as "cannot tell"; nor 「里面没有常见的诈骗说法」 over the cue it lists
    assert "结论：○ 未发现诈骗 — 有几个骗子也常用的词，但合在一起不像诈骗话术" in r.stdout
    assert "类别" not in r.stdout and "原因" not in r.stdout
    assert "相关的说法（不足以判断为诈骗）：" in r.stdout and "〖快递员〗" in r.stdout
    assert "【京东】" in r.stdout  # the message's own signature brackets are left as they are, not taken for a cue
    points = run_cli(
        "scan-text",
        "--style",
        "sms",
        "-",
        input="【华润万家】会员您好，您有积分1,860分，本周末到店可积分兑换鸡蛋一盒。",
    )
    assert "结论：○ 未发现诈骗" in points.stdout and "〖积分兑换〗" in points.stdout
    assert "相符" not in points.stdout  # a supermarket's points SMS "matched" no 积分兑换 scam under 未发现诈骗
    calm = run_cli("scan-text", "--style", "chat", "-", input="妈，我周末回家吃饭")
    assert "结论：○ 未发现诈骗 — 里面没有常见的诈骗说法" in calm.stdout  # no cue: said plainly
    assert "按这类文字判断：短信\n" in r.stdout  # said, not guessed
    guessed = run_cli("scan-text", "-", input="【支付宝】验证码：581204，登录支付宝账户时使用，支付宝客服不会索要。")
    assert "按这类文字判断：短信（自动判断，可用 --style 指定）" in guessed.stdout
    assert guessed.stdout.count("软件：支付宝") == 1  # named twice, one app


def test_scan_text_takes_the_message_itself_in_quotes(run_cli, tmp_path: Path) -> None:
    """A family member pastes the message as the argument (「找不到文件 妈，家里wifi密码是多少？」 before)."""
    r = run_cli("scan-text", "妈，家里wifi密码是多少？")
    assert r.returncode == 0, r.stderr
    assert "结论：○ 未发现诈骗" in r.stdout
    scam = run_cli("scan-text", "【中国移动】您的积分即将清零，请登录 http://10086-jf.top/a 兑换现金")
    assert scam.returncode == 0 and "〖积分即将清零〗" in scam.stdout and "网址：http://10086-jf.top/a" in scam.stdout
    # a whole SMS is longer than a file name may be (「File name too long」 before), and a link alone is text too
    long_sms = (
        "【中国银行】尊敬的客户，您的账户因长期未使用已被系统临时冻结，为保障您的资金安全，请于今日内登录"
        " http://boc-jd.cc/a 完成身份核验并解除冻结，逾期将永久注销，给您带来不便敬请谅解。"
    )
    assert len(long_sms.encode()) > 255
    r = run_cli("scan-text", long_sms)
    assert r.returncode == 0, r.stderr
    assert "结论：✖ 拦截" in r.stdout and "boc-jd.cc" in r.stdout
    link = run_cli("scan-text", "https://12306-tk.cn/refund.html")
    assert link.returncode == 0 and "找不到文件" not in link.stderr and "结论：" in link.stdout
    # a name that looks like a file is still a missing file, with the hint
    for name in (str(tmp_path / "missing.txt"), "msgs/today", "今天的短信.txt"):
        r = run_cli("scan-text", name)
        assert r.returncode == 2 and "找不到文件" in r.stderr and "引号" in r.stderr, name


def test_scan_text_names_the_traffic_fine_scheme_from_categories_json(run_cli) -> None:
    """A fake 12123 fine SMS is named 冒充交管 / ETC 短信 (not 冒充公检法) in both languages, the name read from
    blocklists/phrases/categories.json like every other category's."""
    from screening.transcript.phrases import load_phrase_book

    name = load_phrase_book().categories["traffic_etc"].name
    sms = "【交管12123】您有一条交通违法记录未处理，请点击链接 http://jg12123-wf.cn 缴纳罚款，逾期将影响驾驶证年审。"
    r = run_cli("scan-text", sms)
    assert r.returncode == 0, r.stderr
    assert f"类别：{name.zh}\n" in r.stdout and f"话术与「{name.zh}」相符" in r.stdout
    en = run_cli("scan-text", sms, env={"CALLSHIELD_LANG": "en"})
    assert f"Category: {name.en}\n" in en.stdout
    doc = json.loads(run_cli("scan-text", "--json", sms).stdout)
    assert doc["category"] == "traffic_etc" and doc["category_text"] == {"zh": name.zh, "en": name.en}


def test_scan_text_bad_input_is_a_clear_error(run_cli, tmp_path: Path) -> None:
    r = run_cli("scan-text", str(tmp_path / "missing.txt"))
    assert r.returncode == 2 and "找不到文件" in r.stderr
    r = run_cli("scan-text", "-", input="   ", env={"CALLSHIELD_LANG": "en"})
    assert r.returncode == 2 and "empty" in r.stderr
    bad = tmp_path / "pack.json"
    bad.write_text(
        '{"format": 1, "category": "telecom_points", "rules": [{"id": "x", "weight": 7, "phrases": ["abc"]}]}'
    )
    r = run_cli("scan-text", "-", "--packs", str(bad), input=SCAM)
    assert r.returncode == 2 and "话术包" in r.stderr and "weight" in r.stderr


def test_scan_text_jsonl_batch_with_styles_entities_and_a_bad_line(run_cli, tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {"id": "a", "text": "请问您需要贷款吗？您下载一下360金融APP注册一下，充值1799元就可以免6个月的利息。"}
        ),
        "not json at all",
        json.dumps({"id": "empty", "text": " "}),  # an error row keeps its id, to match it to its input
        json.dumps(
            {
                "id": "b",
                "style": "sms",
                "text": "【京东】验证码：581204，您正在登录京东账户，京东客服不会向您索要验证码，切勿告知他人。",
            },
            ensure_ascii=False,
        ),
        json.dumps({"id": "c", "text": "退款请加QQ群 740221563，下载向日葵，详情 www.jd-kf.top"}, ensure_ascii=False),
    ]
    f = tmp_path / "batch.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = run_cli("scan-text", str(f))
    assert r.returncode == 1  # one line was bad; the others still ran
    assert "第 2 行" in r.stderr
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["a", None, "empty", "b", "c"]
    assert out[0]["category"] == "fake_loan" and out[0]["level"] in ("WARN", "BLOCK")
    assert out[1]["error"]["en"].startswith("line 2 is not valid JSON")  # broken JSON is said to be (a volunteer)
    assert "共检查 3 行，跳过 2 行" in r.stderr  # and a count at the end
    assert "error" in out[2] and out[2]["line"] == 3
    assert out[3]["style"] == "sms" and out[3]["level"] not in ("WARN", "BLOCK")
    kinds = {e["kind"] for e in out[4]["entities"]}
    assert {"qq_group", "app", "url"} <= kinds
    # the same from stdin with --jsonl and a style for every line
    r = run_cli("scan-text", "-", "--jsonl", "--style", "chat", input=lines[0] + "\n")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["style"] == "chat"
    # a style the detector does not know is refused for that line, as --style refuses it; a notice is a message
    odd = [
        json.dumps({"id": "x", "text": "安全账户", "style": "email"}),
        json.dumps({"id": "y", "text": "【社区】明天停水", "style": "notice"}, ensure_ascii=False),
    ]
    r = run_cli("scan-text", "-", "--jsonl", input="\n".join(odd) + "\n")
    assert r.returncode == 1 and "style" in r.stderr and "'email'" in r.stderr
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert "error" in out[0] and out[1]["style"] == "sms"
    # an empty text is said to be empty (it is a JSON object with a text field)
    r = run_cli("scan-text", "-", "--jsonl", input='{"text": ""}\n')
    assert r.returncode == 1 and "text 是空的" in r.stderr and "不是含 text 字段" not in r.stderr


def test_scan_text_style_option_and_bad_style(run_cli) -> None:
    r = run_cli(
        "scan-text",
        "-",
        "--style",
        "sms",
        "--json",
        input="【中国移动】您的积分即将清零，请登录 m.10086jf.cc 兑换现金礼包",
    )
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["style"] == "sms" and doc["category"] == "telecom_points"
    r = run_cli("scan-text", "-", "--style", "fax", input="x")
    assert r.returncode == 2 and "fax" in r.stderr


def test_scan_text_into_a_pipe_that_closes_early_stops_quietly(data_dir: Path, tmp_path: Path) -> None:
    """`callshield scan-text --jsonl big.jsonl | head -1`: a real OS pipe whose reader leaves after one line.
    The command stops with 141 (128 + SIGPIPE) and no traceback, like any Unix tool."""
    batch = tmp_path / "big.jsonl"
    line = json.dumps({"text": "您的积分即将过期，请把短信验证码告诉我", "style": "sms"}, ensure_ascii=False)
    batch.write_text("\n".join([line] * 2000) + "\n", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "CALLSHIELD_LANG": "zh"}
    cmd = [sys.executable, "-m", "app", "--data-dir", str(data_dir), "scan-text", "--jsonl", str(batch)]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO_ROOT) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()
        proc.stdout.close()  # the pager quits
        err = proc.stderr.read().decode("utf-8")
        assert proc.wait(timeout=120) == 141, err
    assert json.loads(first)["level"] == "BLOCK"
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_a_broken_pipe_that_is_not_stdouts_is_an_error(monkeypatch, tmp_path: Path) -> None:
    """Only a reader leaving our standard output ends quietly; a broken socket or helper pipe is raised as usual."""
    import argparse

    import pytest

    from app import cli

    def handler(args: argparse.Namespace, ctx: object) -> int:
        raise BrokenPipeError(32, "Broken pipe (a socket)")

    ns = argparse.Namespace(func=handler, verbose=False, data_dir=str(tmp_path), lang="en", self_test=False)
    monkeypatch.setattr(cli, "build_parser", lambda: argparse.Namespace(parse_known_args=lambda argv: (ns, [])))
    with pytest.raises(BrokenPipeError):
        cli.main([])


def test_each_line_checks_one_message_a_line_in_a_table(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A volunteer's file of forwarded messages, one a line, got one verdict mixing five messages' reasons; the only
    batch mode printed JSON. --each-line lists each; without it, the one verdict says it read them as one."""
    messages = tmp_path / "短信.txt"
    messages.write_text(
        "【菜鸟驿站】您的包裹已到站，取件码 3-2-1107，请凭码取件。\n"
        "【京东】您的订单退款失败，请加QQ群 7654321 办理退款\n\n"
        "【中国移动】尊敬的客户，您的积分将于今日清零，请登录 10086-jf.cc 兑换现金礼品\n",
        encoding="gbk",
    )
    result = run_cli("scan-text", "--each-line", str(messages))
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[2:]}
    assert sorted(rows) == ["1", "2", "4"]
    assert "○ 未发现诈骗" in rows["1"]
    assert "✖ 拦截" in rows["2"] and "退款加群" in rows["2"]
    assert "✖ 拦截" in rows["4"] and "积分兑换" in rows["4"]
    result = run_cli("scan-text", str(messages))
    assert "这里好像有 3 条短信" in result.stderr and "--each-line" in result.stderr


def test_scan_text_in_another_language_gives_no_verdict(run_cli) -> None:  # type: ignore[no-untyped-def]
    """A trial's English and Korean scam texts were 「○ no scam found」: the detector reads Chinese only."""
    r = run_cli("scan-text", "Your bank account is frozen. Transfer your savings to the safe account and tell nobody.")
    assert "? 未知" in r.stdout and "几乎不是中文" in r.stdout and "未发现诈骗" not in r.stdout, r.stdout
