"""Public codes of service points: short, upper-case, unambiguous when read off a poster."""
import re
import secrets

# No 0/O or 1/I: a citizen may type the code by hand from a printed poster.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,15}$")
GENERATED_LENGTH = 6


def normalise_code(code: str) -> str:
    return code.strip().upper()


def is_valid_code(code: str) -> bool:
    return bool(CODE_PATTERN.match(code))


def generate_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(GENERATED_LENGTH))
