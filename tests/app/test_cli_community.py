"""The real ``callshield`` command for community lists: keys → publish → minisign -V → subscribe over a real
HTTP server on 127.0.0.1 → update → a tampered update fails with its reason and the last good list stays."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.blocklists.subs_support import serve

PASS = {"CALLSHIELD_KEY_PASSPHRASE": "正确 horse battery"}


@pytest.fixture
def publisher_dir(tmp_path: Path) -> Path:
    path = tmp_path / "publisher"
    path.mkdir()
    return path


@pytest.mark.slow
def test_publish_subscribe_update_from_the_command_line(run_cli, tmp_path: Path, publisher_dir: Path) -> None:  # type: ignore[no-untyped-def]
    keys = tmp_path / "keys"
    gen = run_cli("keys", "generate", str(keys), env=PASS, data=publisher_dir)
    assert gen.returncode == 0, gen.stderr
    assert "已生成密钥" in gen.stdout and "备份" in gen.stdout
    assert (keys / "callshield.pub").read_text("ascii").startswith("untrusted comment: minisign public key ")
    again = run_cli("keys", "generate", str(keys), env=PASS, data=publisher_dir)
    assert again.returncode == 1 and "已存在" in again.stderr  # never overwrites a key

    assert run_cli("lists", "create", "nt", data=publisher_dir).returncode == 0
    add = run_cli("lists", "add", "nt", "13800138001", "170*", "952750??", "--category", "诈骗", data=publisher_dir)
    assert add.returncode == 0, add.stderr
    bundle = tmp_path / "www"
    key = str(keys / "callshield.key")
    pub = run_cli(
        "lists", "publish", "nt", str(bundle), "--key", key, "--title", "南通社区", env=PASS, data=publisher_dir
    )
    assert pub.returncode == 0, pub.stderr
    assert "已发布“nt”" in pub.stdout and "3 条" in pub.stdout and "通配 1" in pub.stdout
    assert {p.name for p in bundle.iterdir()} >= {"manifest.json", "manifest.json.minisig"}
    if shutil.which("minisign"):
        import subprocess

        check = subprocess.run(
            ["minisign", "-V", "-p", str(keys / "callshield.pub"), "-m", str(bundle / "manifest.json")],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert check.returncode == 0, check.stderr

    wrong = run_cli(
        "lists", "publish", "nt", str(bundle), "--key", key, env={"CALLSHIELD_KEY_PASSPHRASE": "x"}, data=publisher_dir
    )
    assert wrong.returncode == 1 and "口令不对" in wrong.stderr

    for server in serve(bundle):
        sub = run_cli("lists", "subscribe", server.url, "--pubkey", str(keys / "callshield.pub"), "--name", "community")
        assert sub.returncode == 0, sub.stderr
        assert "已订阅“community”" in sub.stdout and "通配" in sub.stdout  # wildcards are pointed out
        check = run_cli("check", "--json", "13800138001", "95588")
        levels = [json.loads(line)["level"] for line in check.stdout.splitlines()]
        assert levels == ["block", "allow"]

        same = run_cli("lists", "update")
        assert same.returncode == 0 and "已是最新" in same.stdout
        shown = [line for line in run_cli("lists", "show").stdout.splitlines() if line.startswith("community ")]
        assert len(shown) == 1 and "订阅" in shown[0] and "导入" not in shown[0]  # subscribed, not imported
        as_json = [json.loads(x) for x in run_cli("lists", "show", "--json").stdout.splitlines()]
        assert [x["subscribed"] for x in as_json if x["name"] == "community"] == [True]

        assert run_cli("lists", "add", "nt", "13900001111", data=publisher_dir).returncode == 0
        assert (
            run_cli("lists", "publish", "nt", str(bundle), "--key", key, env=PASS, data=publisher_dir).returncode == 0
        )
        upd = run_cli("lists", "update", "community")
        assert upd.returncode == 0 and "增量" in upd.stdout and "共 4 条" in upd.stdout

        assert run_cli("lists", "add", "nt", "13900002222", data=publisher_dir).returncode == 0
        assert (
            run_cli("lists", "publish", "nt", str(bundle), "--key", key, env=PASS, data=publisher_dir).returncode == 0
        )
        manifest = bundle / "manifest.json"
        manifest.write_text(manifest.read_text("utf-8").replace('"entries": 5', '"entries": 50'), "utf-8")
        bad = run_cli("lists", "update", "community")
        assert bad.returncode == 1
        assert "签名不符" in bad.stderr and "继续使用上一版" in bad.stderr and "4 条" in bad.stderr
        en = run_cli("--lang", "en", "lists", "update", "community")
        assert en.returncode == 1 and "signature does not match" in en.stderr and "stays in force" in en.stderr
        status = run_cli("lists", "subscriptions")
        assert "更新失败" in status.stdout and "签名不符" in status.stdout

        server.state.faults["manifest.json"] = "hang"
        hang = run_cli("lists", "update", "community", "--timeout", "1")
        assert hang.returncode == 1 and "超时" in hang.stderr
        assert json.loads(run_cli("check", "--json", "13900001111").stdout)["level"] == "block"

    missing = run_cli("lists", "update", "nope")
    assert missing.returncode == 1 and "没有名为“nope”的订阅" in missing.stderr


def test_subscribe_refuses_a_malformed_key(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad_key = tmp_path / "bad.pub"
    bad_key.write_text("untrusted comment: minisign public key\nnot-a-key\n", "ascii")
    (tmp_path / "bundle").mkdir()
    result = run_cli("lists", "subscribe", str(tmp_path / "bundle"), "--pubkey", str(bad_key))
    assert result.returncode == 1 and "密钥无法识别" in result.stderr
    shown = run_cli("lists", "show")
    assert "bundle" not in shown.stdout


def test_keys_need_a_passphrase_without_a_terminal(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("keys", "generate", str(tmp_path / "k"), input="")
    assert result.returncode == 1 and "CALLSHIELD_KEY_PASSPHRASE" in result.stderr
    assert not (tmp_path / "k" / "callshield.key").exists()


def test_reports_add_export_aggregate(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    exports = []
    for i in range(3):
        data = tmp_path / f"home{i}"
        data.mkdir()
        r = run_cli("reports", "add", "138 0013 8001", "--category", "诈骗", "--note", "冒充客服", data=data)
        assert r.returncode == 0 and "已记录举报" in r.stdout, r.stderr
        if i == 0:
            assert run_cli("reports", "add", "95588", "--category", "正常", data=data).returncode == 0
        out = tmp_path / f"home{i}.json"
        exp = run_cli("reports", "export", str(out), data=data)
        assert exp.returncode == 0, exp.stderr
        payload = json.loads(out.read_text("utf-8"))
        assert json.dumps(payload, ensure_ascii=False, indent=1) in exp.stdout  # shows exactly what is shared
        exports.append(str(out))
    bad = run_cli("reports", "add", "hello", "--category", "诈骗")
    assert bad.returncode == 1 and "不是可举报的号码" in bad.stderr
    proposals = tmp_path / "proposals.csv"
    agg = run_cli("reports", "aggregate", *exports, "--min-reports", "3", "--out", str(proposals))
    assert agg.returncode == 0, agg.stderr
    assert "3 台设备" in agg.stdout and "建议新增 1 个" in agg.stdout
    assert "+8613800138001" in proposals.read_text("utf-8-sig")
