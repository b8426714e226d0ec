"""Ed25519 keys and signatures in minisign's file formats, so anyone can check a bundle with ``minisign -V``.

Formats (minisign 0.11, https://jedisct1.github.io/minisign/):

public key file
    ``untrusted comment: minisign public key <KEYID>`` then base64(``"Ed"`` ‖ key id (8) ‖ public key (32)).
secret key file
    ``untrusted comment: …`` then base64(``"Ed"`` ‖ kdf ``"Sc"`` (or two zero bytes: no passphrase) ‖ ``"B2"``
    ‖ salt (32) ‖ opslimit (8, LE) ‖ memlimit (8, LE) ‖ [key id (8) ‖ secret key (64) ‖ checksum (32)]).
    The bracketed part is XORed with scrypt(passphrase, salt) (libsodium's scryptsalsa208sha256, whose
    N/r/p come from opslimit/memlimit as below); the checksum is BLAKE2b-256 of ``"Ed"`` ‖ key id ‖ secret key
    and is how a wrong passphrase is told apart.
signature file
    ``untrusted comment: …``, base64(algorithm ‖ key id ‖ signature (64)), ``trusted comment: …``,
    base64(global signature).  Algorithm ``"ED"`` signs BLAKE2b-512 of the file (what minisign writes since
    0.8, and what we write); legacy ``"Ed"`` signs the file itself (still accepted).  The global signature
    covers signature ‖ trusted comment, so the trusted comment cannot be changed either.

The Ed25519 arithmetic is libsodium's (PyNaCl); scrypt and BLAKE2b are ``hashlib``'s.  Nothing here is
hand-written crypto: this module only lays out bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass

from nacl.bindings import crypto_sign_ed25519_pk_to_curve25519
from nacl.exceptions import BadSignatureError
from nacl.exceptions import RuntimeError as NaclRuntimeError
from nacl.signing import SigningKey, VerifyKey

from blocklists.subscriptions.problems import SubscriptionError, SubscriptionProblem

SIG_ALG = b"Ed"
PREHASHED_ALG = b"ED"
KDF_SCRYPT = b"Sc"
KDF_NONE = b"\0\0"
CHK_ALG = b"B2"
COMMENT_PREFIX = "untrusted comment: "
TRUSTED_PREFIX = "trusted comment: "
# libsodium's crypto_pwhash_scryptsalsa208sha256 limits.  minisign -G uses the "sensitive" pair (1 GiB of
# memory, several seconds); our default is lighter (128 MiB) — still far beyond what a stolen key file
# can be brute-forced with cheaply, and quick enough for a volunteer's old laptop.
OPSLIMIT_SENSITIVE = 33554432
MEMLIMIT_SENSITIVE = 1073741824
OPSLIMIT_INTERACTIVE = 524288
MEMLIMIT_INTERACTIVE = 16777216
OPSLIMIT_DEFAULT = 4194304
MEMLIMIT_DEFAULT = 134217728
_MAX_MEMLIMIT = 2**31 - 2**24  # hashlib.scrypt's maxmem is an int


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SubscriptionError(SubscriptionProblem.BAD_KEY, detail=f"{what}: not base64") from exc


def key_id_hex(key_id: bytes) -> str:
    """minisign shows the 8-byte key id as a little-endian 64-bit number in upper-case hex."""
    return f"{int.from_bytes(key_id, 'little'):016X}"


@dataclass(frozen=True)
class PublicKey:
    key_id: bytes  # 8 bytes
    key: bytes  # 32 bytes (raw Ed25519)

    @property
    def fingerprint(self) -> str:
        return key_id_hex(self.key_id)

    def line(self) -> str:
        """The base64 line (what ``minisign -P`` takes)."""
        return _b64(SIG_ALG + self.key_id + self.key)

    def file_text(self) -> str:
        return f"{COMMENT_PREFIX}minisign public key {self.fingerprint}\n{self.line()}\n"

    @classmethod
    def parse(cls, text: str) -> PublicKey:
        """A ``.pub`` file's text (two lines) or the bare base64 line.  ``SubscriptionError(BAD_KEY)`` otherwise."""
        lines = [ln.strip() for ln in (text or "").strip().splitlines() if ln.strip()]
        if lines and lines[0].startswith(COMMENT_PREFIX.strip()):
            lines = lines[1:]
        if len(lines) != 1:
            raise SubscriptionError(SubscriptionProblem.BAD_KEY, detail="expected one base64 line")
        raw = _unb64(lines[0], "public key")
        if len(raw) != 42:
            raise SubscriptionError(SubscriptionProblem.BAD_KEY, detail=f"public key is {len(raw)} bytes, not 42")
        if raw[:2] != SIG_ALG:
            raise SubscriptionError(SubscriptionProblem.BAD_KEY, detail="not an Ed25519 minisign key")
        try:
            crypto_sign_ed25519_pk_to_curve25519(raw[10:])  # libsodium refuses bytes that are not a curve point
        except (ValueError, NaclRuntimeError) as exc:
            raise SubscriptionError(SubscriptionProblem.BAD_KEY, detail="not an Ed25519 point") from exc
        return cls(raw[2:10], raw[10:])


@dataclass(frozen=True)
class SecretKey:
    key_id: bytes
    seed: bytes  # 32 bytes; libsodium's 64-byte secret key is seed ‖ public key

    @property
    def public_key(self) -> PublicKey:
        return PublicKey(self.key_id, bytes(SigningKey(self.seed).verify_key))

    def sign(self, data: bytes, trusted_comment: str, untrusted_comment: str = "", prehash: bool = True) -> str:
        """A ``.minisig`` file's text for ``data`` (prehashed ``ED`` like current minisign)."""
        if "\n" in trusted_comment or "\r" in trusted_comment:
            raise ValueError("a trusted comment is one line")
        priv = SigningKey(self.seed)
        alg = PREHASHED_ALG if prehash else SIG_ALG
        message = hashlib.blake2b(data, digest_size=64).digest() if prehash else data
        sig = priv.sign(message).signature
        global_sig = priv.sign(sig + trusted_comment.encode("utf-8")).signature
        untrusted = untrusted_comment or f"signature from CallShield secret key {self.public_key.fingerprint}"
        return (
            f"{COMMENT_PREFIX}{untrusted}\n{_b64(alg + self.key_id + sig)}\n"
            f"{TRUSTED_PREFIX}{trusted_comment}\n{_b64(global_sig)}\n"
        )


def generate_secret_key(random_bytes: Callable[[int], bytes] = os.urandom) -> SecretKey:
    return SecretKey(key_id=random_bytes(8), seed=random_bytes(32))


def _pick_params(opslimit: int, memlimit: int) -> tuple[int, int, int]:
    """libsodium ``pickparams``: (N, r, p) for scryptsalsa208sha256 from opslimit/memlimit."""
    opslimit = max(opslimit, 32768)
    r = 8
    if opslimit < memlimit // 32:
        p = 1
        max_n = opslimit // (r * 4)
        n_log2 = 1
        while n_log2 < 63 and (1 << n_log2) <= max_n // 2:
            n_log2 += 1
    else:
        max_n = memlimit // (r * 128)
        n_log2 = 1
        while n_log2 < 63 and (1 << n_log2) <= max_n // 2:
            n_log2 += 1
        max_rp = min((opslimit // 4) // (1 << n_log2), 0x3FFFFFFF)
        p = max_rp // r
    return 1 << n_log2, r, p


def _kdf_stream(passphrase: str, salt: bytes, opslimit: int, memlimit: int, length: int) -> bytes:
    n, r, p = _pick_params(opslimit, memlimit)
    need = 128 * r * (n + p + 2)
    if need > _MAX_MEMLIMIT or p < 1:
        raise SubscriptionError(SubscriptionProblem.BAD_KEY, detail="key derivation limits out of range")
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=need + 16 * 1024 * 1024, dklen=length
    )


def _checksum(key_id: bytes, sk64: bytes) -> bytes:
    return hashlib.blake2b(SIG_ALG + key_id + sk64, digest_size=32).digest()


def secret_key_file_text(
    key: SecretKey,
    passphrase: str | None,
    *,
    opslimit: int = OPSLIMIT_DEFAULT,
    memlimit: int = MEMLIMIT_DEFAULT,
    random_bytes: Callable[[int], bytes] = os.urandom,
) -> str:
    """The secret key file (encrypted unless ``passphrase`` is None, like ``minisign -G -W``)."""
    sk64 = key.seed + key.public_key.key
    body = key.key_id + sk64 + _checksum(key.key_id, sk64)
    salt = random_bytes(32)
    if passphrase is None:
        kdf, ops, mem = KDF_NONE, 0, 0
    else:
        kdf, ops, mem = KDF_SCRYPT, opslimit, memlimit
        stream = _kdf_stream(passphrase, salt, opslimit, memlimit, len(body))
        body = bytes(a ^ b for a, b in zip(body, stream, strict=True))
    raw = SIG_ALG + kdf + CHK_ALG + salt + ops.to_bytes(8, "little") + mem.to_bytes(8, "little") + body
    comment = "minisign encrypted secret key" if passphrase is not None else "minisign secret key"
    return f"{COMMENT_PREFIX}{comment}\n{_b64(raw)}\n"


def secret_key_is_encrypted(text: str) -> bool:
    raw = _secret_raw(text)
    return raw[2:4] != KDF_NONE


def _secret_raw(text: str) -> bytes:
    lines = [ln.strip() for ln in (text or "").strip().splitlines() if ln.strip()]
    if lines and lines[0].startswith(COMMENT_PREFIX.strip()):
        lines = lines[1:]
    if len(lines) != 1:
        raise SubscriptionError(SubscriptionProblem.BAD_KEY, detail="expected one base64 line")
    raw = _unb64(lines[0], "secret key")
    if len(raw) != 158:
        raise SubscriptionError(SubscriptionProblem.BAD_KEY, detail=f"secret key is {len(raw)} bytes, not 158")
    if raw[:2] != SIG_ALG or raw[4:6] != CHK_ALG or raw[2:4] not in (KDF_SCRYPT, KDF_NONE):
        raise SubscriptionError(SubscriptionProblem.BAD_KEY, detail="unsupported algorithms")
    return raw


def read_secret_key(text: str, passphrase: str | None) -> SecretKey:
    """Open a minisign secret key file.  ``WRONG_PASSPHRASE`` when the checksum does not match."""
    raw = _secret_raw(text)
    kdf = raw[2:4]
    salt = raw[6:38]
    opslimit = int.from_bytes(raw[38:46], "little")
    memlimit = int.from_bytes(raw[46:54], "little")
    body = raw[54:]
    if kdf == KDF_SCRYPT:
        if passphrase is None:
            raise SubscriptionError(SubscriptionProblem.NO_PASSPHRASE)
        stream = _kdf_stream(passphrase, salt, opslimit, memlimit, len(body))
        body = bytes(a ^ b for a, b in zip(body, stream, strict=True))
    key_id, sk64, chk = body[:8], body[8:72], body[72:104]
    # minisign -G -W leaves the checksum of an unencrypted key zeroed; the public half is still checked below.
    unchecked = kdf == KDF_NONE and chk == bytes(32)
    if not unchecked and not hmac.compare_digest(chk, _checksum(key_id, sk64)):
        if kdf == KDF_SCRYPT:
            raise SubscriptionError(SubscriptionProblem.WRONG_PASSPHRASE)
        raise SubscriptionError(SubscriptionProblem.BAD_KEY, detail="checksum does not match")
    key = SecretKey(key_id=key_id, seed=sk64[:32])
    if key.public_key.key != sk64[32:]:
        raise SubscriptionError(SubscriptionProblem.BAD_KEY, detail="public half does not match")
    return key


@dataclass(frozen=True)
class Signature:
    algorithm: bytes  # b"ED" (prehashed) or b"Ed"
    key_id: bytes
    signature: bytes
    trusted_comment: str
    global_signature: bytes

    @property
    def fingerprint(self) -> str:
        return key_id_hex(self.key_id)


def parse_signature(text: str) -> Signature:
    lines = (text or "").splitlines()
    if len(lines) < 4 or not lines[0].startswith(COMMENT_PREFIX) or not lines[2].startswith(TRUSTED_PREFIX):
        raise SubscriptionError(SubscriptionProblem.BAD_SIGNATURE_FILE, detail="expected four lines")
    try:
        raw = base64.b64decode(lines[1].strip(), validate=True)
        global_sig = base64.b64decode(lines[3].strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SubscriptionError(SubscriptionProblem.BAD_SIGNATURE_FILE, detail="not base64") from exc
    if len(raw) != 74 or raw[:2] not in (PREHASHED_ALG, SIG_ALG) or len(global_sig) != 64:
        raise SubscriptionError(SubscriptionProblem.BAD_SIGNATURE_FILE, detail="unsupported signature")
    return Signature(raw[:2], raw[2:10], raw[10:], lines[2][len(TRUSTED_PREFIX) :], global_sig)


def verify(key: PublicKey, data: bytes, signature: Signature | str) -> Signature:
    """Check ``data`` against a minisign signature made by ``key``; returns the parsed signature.

    ``OTHER_KEY`` when it names another key id, ``BAD_SIGNATURE`` when the data or the trusted comment was
    changed.
    """
    sig = parse_signature(signature) if isinstance(signature, str) else signature
    if sig.key_id != key.key_id:
        raise SubscriptionError(SubscriptionProblem.OTHER_KEY, found=sig.fingerprint, expected=key.fingerprint)
    pub = VerifyKey(key.key)
    message = hashlib.blake2b(data, digest_size=64).digest() if sig.algorithm == PREHASHED_ALG else data
    try:
        pub.verify(message, sig.signature)
        pub.verify(sig.signature + sig.trusted_comment.encode("utf-8"), sig.global_signature)
    except BadSignatureError as exc:
        raise SubscriptionError(SubscriptionProblem.BAD_SIGNATURE) from exc
    return sig
