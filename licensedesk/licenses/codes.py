"""The shape of a software license code: M01-C01-251-01-7K3QF9 (issuer, product, version,
sequence, six random characters)."""

import re
import secrets

# 32 symbols without the look-alikes 0/O and 1/I: six of them carry 30 bits.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
RANDOM_LENGTH = 6
CODE_RE = re.compile(rf"^[A-Z0-9]{{3}}-[A-Z0-9]{{3}}-[0-9]{{3}}-[0-9]{{2,6}}-[{ALPHABET}]{{6}}$")


def normalize(raw) -> str:
    """Forgive spaces (anywhere) and case, as people paste codes from emails and PDFs."""
    return "".join(str(raw or "").split()).upper()


_CODE_CHARACTERS = re.compile(r"[A-Z0-9-]+")


def is_code_shaped(code: str) -> bool:
    """Only the characters a code is made of (a looser test than is_well_formed, for
    looking codes up: a string with any other character is no license's code)."""
    return _CODE_CHARACTERS.fullmatch(code) is not None


def is_well_formed(code: str) -> bool:
    return bool(CODE_RE.match(code))


def make_code(issuer: str, product_code: str, version_code: str, sequence: int) -> str:
    random_part = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return f"{issuer}-{product_code}-{version_code}-{sequence:02d}-{random_part}"
