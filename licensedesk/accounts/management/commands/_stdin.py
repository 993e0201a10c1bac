import sys

from django.core.management.base import CommandError


def read_password(enabled: bool) -> str:
    """The password given on standard input (first line), so it never shows in `ps`."""
    if not enabled:
        raise CommandError("Give the password on standard input with --password-stdin.")
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise CommandError("No password on standard input.")
    return password
