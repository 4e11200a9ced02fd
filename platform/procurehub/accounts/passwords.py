"""The password policy, applied wherever a password is set (CLI, admin, self-service change).

A password is at least 12 characters (NCSC: length beats complexity rules), is not one of the
commonly used passwords bundled in `common_passwords.txt`, and does not contain the part of
the person's e-mail address before the @. Pure: no Flask, no database.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

MIN_LENGTH = 12
#: Hashing a megabyte "password" at every sign-in would be a cheap denial of service.
MAX_LENGTH = 256
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


class PasswordPolicyError(ValueError):
    """A password that the policy refuses; the message says what to change."""


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, email: str = "") -> str | None:
    """Why `password` is refused for the person with `email`, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"A password needs at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"A password can have at most {MAX_LENGTH} characters."
    lowered = password.lower()
    if lowered in common_passwords() or lowered.strip() in common_passwords():
        return "That password is one of the most commonly used ones; choose another."
    local_part = email.split("@", 1)[0].strip().lower()
    if len(local_part) >= 3 and local_part in lowered:
        return "A password must not contain your e-mail address or the part before the @."
    return None


def check_password(password: str, email: str = "") -> None:
    problem = password_problem(password, email)
    if problem:
        raise PasswordPolicyError(problem)
