"""The `licensedesk` console command: Django's manage.py plus our own commands."""

import os
import sys
import tempfile


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "licensedesk.settings")
    if sys.argv[1:2] == ["serve"] and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Before anything imports prometheus_client: the web processes and the worker that
        # `serve` starts count into files there, and /metrics adds them up. Fresh each start.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="licensedesk-metrics-")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
