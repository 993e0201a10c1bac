import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

from licensedesk.core.supervise import Supervisor


class Command(BaseCommand):
    help = (
        "Apply migrations and serve the web UI and the API with gunicorn, with the background "
        "worker beside it (the embedded, all-in-one way to run licensedesk)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="Web processes.")
        parser.add_argument("--threads", type=int, default=4, help="Threads per web process.")
        parser.add_argument("--no-worker", action="store_true", help="Do not start the worker.")
        parser.add_argument(
            "--access-log",
            action="store_true",
            help="Log every request to standard output. Off by default: it costs throughput "
            "(docs/benchmarks.md), and a reverse proxy usually logs requests.",
        )

    def handle(self, *args, host, port, workers, threads, no_worker, access_log, **opts):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        connections.close_all()  # never share a connection with forked processes

        worker = None
        if not no_worker:  # kept running: restarted if it ever exits
            worker = Supervisor([sys.executable, "-m", "licensedesk", "worker"])
            worker.start()
        self.stdout.write(
            f"licensedesk is serving on http://{host}:{port}/ (data in {settings.DATA_DIR})"
        )
        try:
            _Gunicorn(
                {
                    "bind": f"{host}:{port}",
                    "workers": workers,
                    "threads": threads,
                    "worker_class": "gthread",
                    # Each web process listens on its own socket and the kernel spreads new
                    # connections over them: with one shared socket, one process could take
                    # every keep-alive connection of a client and leave the others idle.
                    "reuse_port": True,
                    "accesslog": "-" if access_log else None,
                    "timeout": 60,
                }
            ).run()
        finally:
            if worker is not None:
                worker.stop()


from gunicorn.app.base import BaseApplication  # noqa: E402


class _Gunicorn(BaseApplication):
    def __init__(self, options):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from licensedesk.wsgi import application

        return application
