"""Interoperability with Debian's own ``minisign`` binary, both ways, and the key-file failure modes.

* a bundle CallShield signs verifies with ``minisign -V``;
* a manifest signed by ``minisign -S`` (key from ``minisign -G``) is accepted by CallShield, prehashed or legacy;
* ``minisign`` opens CallShield's passphrase-protected secret key, and CallShield opens minisign's.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from blocklists.db import open_db
from blocklists.store import ListStore
from blocklists.subscriptions import bundle
from blocklists.subscriptions import subscribe as subs
from blocklists.subscriptions.minisign import (
    PublicKey,
    generate_secret_key,
    parse_signature,
    read_secret_key,
    secret_key_file_text,
    verify,
)
from blocklists.subscriptions.problems import SubscriptionError, SubscriptionProblem
from tests.blocklists.subs_support import QUICK_LIMITS, Publisher

MINISIGN = shutil.which("minisign")
needs_minisign = pytest.mark.skipif(MINISIGN is None, reason="Debian's minisign is not installed (.ci/run installs it)")


def minisign(*args: str, input: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    assert MINISIGN is not None
    return subprocess.run([MINISIGN, *args], input=input, capture_output=True, text=True, timeout=60, cwd=cwd)


@pytest.fixture
def published(tmp_path: Path) -> Publisher:
    pub = Publisher(tmp_path)
    pub.add("13800138001", "170*", "952750??", note="冒充客服 / impersonating support")
    pub.publish()
    return pub


@needs_minisign
def test_our_bundle_verifies_with_minisign(published: Publisher, tmp_path: Path) -> None:
    pub_file = tmp_path / "callshield.pub"
    pub_file.write_text(published.key.public_key.file_text(), "ascii")
    out = minisign("-V", "-p", str(pub_file), "-m", "manifest.json", cwd=published.out)
    assert out.returncode == 0, out.stderr
    assert "Signature and comment signature verified" in out.stdout
    assert "Trusted comment: list_id=nt serial=1 expires_at=" in out.stdout
    # and it insists on the prehashed form, which is what we write
    assert minisign("-V", "-H", "-p", str(pub_file), "-m", "manifest.json", cwd=published.out).returncode == 0
    # a changed manifest fails minisign too
    (published.out / "manifest.json").write_text("{}", "utf-8")
    bad = minisign("-V", "-p", str(pub_file), "-m", "manifest.json", cwd=published.out)
    assert bad.returncode != 0


@needs_minisign
@pytest.mark.parametrize("legacy", [False, True], ids=["prehashed-ED", "legacy-Ed"])
def test_manifest_signed_by_minisign_is_accepted(published: Publisher, tmp_path: Path, legacy: bool) -> None:
    keydir = tmp_path / "mk"
    keydir.mkdir()
    gen = minisign("-G", "-W", "-p", str(keydir / "m.pub"), "-s", str(keydir / "m.key"))
    assert gen.returncode == 0, gen.stderr
    manifest = bundle.parse_manifest((published.out / bundle.MANIFEST).read_bytes())
    args = ["-S", "-s", str(keydir / "m.key"), "-m", "manifest.json", "-t", manifest.trusted_comment()]
    signed = minisign(*args, *(["-l"] if legacy else []), cwd=published.out)
    assert signed.returncode == 0, signed.stderr
    sig = parse_signature((published.out / bundle.SIGNATURE).read_text("ascii"))
    assert sig.algorithm == (b"Ed" if legacy else b"ED")
    store = ListStore(open_db(tmp_path / "sub.db"))
    result = subs.subscribe(store, str(published.out), (keydir / "m.pub").read_text("ascii"))
    assert result.entry_count == 3 and store.find("nt", "13800138001") is not None
    # CallShield also opens minisign's (unencrypted) secret key and signs with it; minisign verifies.
    key = read_secret_key((keydir / "m.key").read_text("ascii"), None)
    assert key.public_key == PublicKey.parse((keydir / "m.pub").read_text("ascii"))
    (tmp_path / "x.txt").write_bytes(b"hello")
    (tmp_path / "x.txt.minisig").write_text(key.sign(b"hello", "ours"), "ascii")
    assert minisign("-V", "-p", str(keydir / "m.pub"), "-m", str(tmp_path / "x.txt")).returncode == 0


@needs_minisign
def test_minisign_opens_our_encrypted_secret_key(tmp_path: Path) -> None:
    key = generate_secret_key()
    (tmp_path / "k.key").write_text(secret_key_file_text(key, "正确的口令 pass", **QUICK_LIMITS), "ascii")
    (tmp_path / "k.pub").write_text(key.public_key.file_text(), "ascii")
    (tmp_path / "msg").write_bytes(b"list")
    wrong = minisign("-S", "-s", str(tmp_path / "k.key"), "-m", str(tmp_path / "msg"), input="nope\n")
    assert wrong.returncode != 0
    ok = minisign(
        "-S", "-s", str(tmp_path / "k.key"), "-m", str(tmp_path / "msg"), "-t", "x", input="正确的口令 pass\n"
    )
    assert ok.returncode == 0, ok.stderr
    sig = (tmp_path / "msg.minisig").read_text("ascii")
    assert verify(key.public_key, b"list", sig).trusted_comment == "x"


def test_wrong_passphrase_and_malformed_secret_keys() -> None:
    key = generate_secret_key()
    text = secret_key_file_text(key, "right", **QUICK_LIMITS)
    assert read_secret_key(text, "right") == key
    with pytest.raises(SubscriptionError) as err:
        read_secret_key(text, "wrong")
    assert err.value.code is SubscriptionProblem.WRONG_PASSPHRASE
    assert "口令不对" in err.value.message.render("zh") and "wrong passphrase" in err.value.message.render("en")
    with pytest.raises(SubscriptionError) as err:
        read_secret_key(text, None)
    assert err.value.code is SubscriptionProblem.NO_PASSPHRASE
    lines = text.splitlines()
    for bad in ("", "garbage", lines[0] + "\n" + lines[1][:-8], lines[0] + "\n" + "A" * len(lines[1])):
        with pytest.raises(SubscriptionError) as err:
            read_secret_key(bad, "right")
        assert err.value.code is SubscriptionProblem.BAD_KEY, bad[:30]


def test_signature_checks() -> None:
    key, other = generate_secret_key(), generate_secret_key()
    sig = key.sign(b"data", "list_id=a serial=1 expires_at=x")
    assert verify(key.public_key, b"data", sig).fingerprint == key.public_key.fingerprint
    with pytest.raises(SubscriptionError) as err:
        verify(key.public_key, b"datb", sig)
    assert err.value.code is SubscriptionProblem.BAD_SIGNATURE
    forged = sig.replace("serial=1", "serial=9")  # the trusted comment is signed too
    with pytest.raises(SubscriptionError) as err:
        verify(key.public_key, b"data", forged)
    assert err.value.code is SubscriptionProblem.BAD_SIGNATURE
    with pytest.raises(SubscriptionError) as err:
        verify(other.public_key, b"data", sig)
    assert err.value.code is SubscriptionProblem.OTHER_KEY
    for broken in ("", "one line", sig.replace("trusted comment:", "comment:")):
        with pytest.raises(SubscriptionError) as err:
            verify(key.public_key, b"data", broken)
        assert err.value.code is SubscriptionProblem.BAD_SIGNATURE_FILE
