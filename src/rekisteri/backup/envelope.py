"""Passphrase encryption of a backup: scrypt for the key, AES-256-GCM in chunks.

Only `cryptography`'s primitives; this module lays them out in a file:

    magic line | header (JSON line: KDF parameters, salt, a key check) | chunks

Each chunk is its length (4 bytes), a random 96-bit nonce and the AES-GCM ciphertext with
its tag. The associated data of a chunk binds the header, the chunk's number and whether it
is the last one, so that chunks cannot be reordered, dropped or the file cut short without
decryption failing. The key check (a known text encrypted with the key) tells a wrong
passphrase apart from a damaged file.
"""

from __future__ import annotations

import base64
import json
import os
import struct
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"REKISTERI-BACKUP-1\n"
CHUNK = 1 << 20
#: scrypt cost: 2**15 × 8 × 128 bytes = 32 MiB of memory per guess
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
_CHECK = b"rekisteri backup key check"


class BackupCryptoError(RuntimeError):
    """Wrong passphrase, or a damaged or altered backup."""


def _key(passphrase: bytes, salt: bytes, params: dict[str, int]) -> bytes:
    return Scrypt(salt=salt, length=32, n=params["n"], r=params["r"], p=params["p"]).derive(
        passphrase
    )


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return header + struct.pack(">Q?", index, last)


class EncryptingWriter:
    """A write-only file object: what is written is encrypted to `out` chunk by chunk."""

    def __init__(self, out: IO[bytes], passphrase: bytes) -> None:
        salt = os.urandom(16)
        self._aes = AESGCM(_key(passphrase, salt, SCRYPT))
        nonce = os.urandom(12)
        header: dict[str, Any] = {
            "kdf": "scrypt",
            **SCRYPT,
            "salt": base64.b64encode(salt).decode(),
            "cipher": "AES-256-GCM",
            "chunk": CHUNK,
            "check_nonce": base64.b64encode(nonce).decode(),
            "check": base64.b64encode(self._aes.encrypt(nonce, _CHECK, None)).decode(),
        }
        self._header = json.dumps(header, sort_keys=True).encode() + b"\n"
        self._out = out
        self._out.write(MAGIC + self._header)
        self._buffer = bytearray()
        self._index = 0

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._flush(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _flush(self, plain: bytes, *, last: bool) -> None:
        nonce = os.urandom(12)
        sealed = self._aes.encrypt(nonce, plain, _aad(self._header, self._index, last))
        self._out.write(struct.pack(">I", len(sealed)) + nonce + sealed)
        self._index += 1

    def close(self) -> None:
        self._flush(bytes(self._buffer), last=True)
        self._buffer.clear()


class DecryptingReader:
    """A read-only file object over an encrypted backup; refuses a wrong passphrase at once."""

    def __init__(self, source: IO[bytes], passphrase: bytes) -> None:
        if source.read(len(MAGIC)) != MAGIC:
            raise BackupCryptoError("this is not a Rekisteri backup file")
        self._header = source.readline()
        try:
            header = json.loads(self._header)
            salt = base64.b64decode(header["salt"])
            params = {k: int(header[k]) for k in ("n", "r", "p")}
            check_nonce = base64.b64decode(header["check_nonce"])
            check = base64.b64decode(header["check"])
        except (ValueError, KeyError) as exc:
            raise BackupCryptoError("the backup's header is damaged") from exc
        self._aes = AESGCM(_key(passphrase, salt, params))
        try:
            ok = self._aes.decrypt(check_nonce, check, None) == _CHECK
        except InvalidTag:
            ok = False
        if not ok:
            raise BackupCryptoError("wrong passphrase: this backup was encrypted with another")
        self._source = source
        self._index = 0
        self._plain = b""
        self._done = False

    def _next(self) -> None:
        size = self._source.read(4)
        if len(size) < 4:
            raise BackupCryptoError("the backup is cut short (its last part is missing)")
        (length,) = struct.unpack(">I", size)
        nonce = self._source.read(12)
        sealed = self._source.read(length)
        if len(nonce) < 12 or len(sealed) < length:
            raise BackupCryptoError("the backup is cut short (its last part is missing)")
        for last in (False, True):
            try:
                self._plain = self._aes.decrypt(
                    nonce, sealed, _aad(self._header, self._index, last)
                )
            except InvalidTag:
                continue
            self._done = last
            self._index += 1
            return
        raise BackupCryptoError(f"the backup is damaged or was altered (part {self._index + 1})")

    def read(self, size: int = -1) -> bytes:
        out = bytearray()
        while size < 0 or len(out) < size:
            if not self._plain:
                if self._done:
                    break
                self._next()
                continue
            take = len(self._plain) if size < 0 else size - len(out)
            out += self._plain[:take]
            self._plain = self._plain[take:]
        return bytes(out)
