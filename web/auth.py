"""Staff credentials: the password is stored only as a scrypt hash ("scrypt$n$r$p$salt$hash").
Without a configured hash, `serve` generates a random password and prints it once: a deployed
app never has a default password."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

_N, _R, _P = 2**14, 8, 1


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


@dataclass(frozen=True)
class StaffCredentials:
    username: str
    password_hash: str
    generated_password: str = ""  # set only when no hash was configured: printed once at start-up

    @classmethod
    def from_settings(cls, username: str, password_hash: str | None) -> StaffCredentials:
        if password_hash:
            return cls(username, password_hash)
        password = secrets.token_urlsafe(12)
        return cls(username, hash_password(password), password)

    def check(self, username: str, password: str) -> bool:
        """Constant time: the hash is computed whether or not the user name is right, so the time of
        an answer does not tell which user names exist."""
        name_ok = hmac.compare_digest(username.encode(), self.username.encode())
        password_ok = verify_password(password, self.password_hash)
        return name_ok and password_ok

    async def acheck(self, username: str, password: str) -> bool:
        """`check` in a worker thread: scrypt takes ~50 ms of CPU and must not stall the event loop
        (health probes and every patient's chat share it)."""
        return await asyncio.to_thread(self.check, username, password)
