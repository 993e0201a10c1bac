import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from licensedesk.notifications.sender import send_due
from licensedesk.outbox.schedule import run_periodic
from licensedesk.outbox.worker import run_due_jobs


class Command(BaseCommand):
    help = (
        "Run the background worker: queue periodic jobs, run due outbox jobs, send due "
        "notifications."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is due, then exit.")
        parser.add_argument("--sleep", type=float, default=1.0, help="Seconds between polls.")

    def handle(self, *args, once=False, sleep=1.0, **options):
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write("worker started")
        while not stopping:
            close_old_connections()
            run_periodic()
            ran = run_due_jobs() + send_due()
            if once:
                self.stdout.write(f"ran {ran} job(s)")
                return
            if not ran:
                time.sleep(sleep)
        self.stdout.write("worker stopped")
