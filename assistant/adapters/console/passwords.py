"""Password hashing for the secretaries' accounts: argon2id (argon2-cffi, RFC 9106 low-memory profile)."""

from __future__ import annotations

from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class Argon2Hasher:
    """:class:`assistant.services.secretaries.PasswordHasher` with argon2-cffi's defaults (argon2id)."""

    def __init__(self, hasher: _Argon2 | None = None) -> None:
        self._hasher = hasher or _Argon2()

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return bool(self._hasher.verify(password_hash, password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return False


def fast_hasher_for_tests() -> Argon2Hasher:
    """Argon2id with tiny costs: the same code path, milliseconds instead of tens of them (tests only)."""
    return Argon2Hasher(_Argon2(time_cost=1, memory_cost=8, parallelism=1))
