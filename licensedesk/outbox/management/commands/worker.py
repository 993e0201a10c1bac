import signal

from django.core.management.base import BaseCommand

from licensedesk.outbox.runner import run_forever, work_once


class Command(BaseCommand):
    help = (
        "Run the background worker: queue periodic jobs, run due outbox jobs, send due "
        "notifications. Database errors are logged and retried; it stops on SIGTERM/SIGINT."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is due, then exit.")
        parser.add_argument("--sleep", type=float, default=1.0, help="Seconds between polls.")

    def handle(self, *args, once=False, sleep=1.0, **options):
        if once:
            self.stdout.write(f"ran {work_once()} job(s)")
            return
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write("worker started")
        run_forever(lambda: stopping, poll=sleep)
        self.stdout.write("worker stopped")
