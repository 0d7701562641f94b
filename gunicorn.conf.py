"""gunicorn settings for mudsite: `gunicorn mudsite.wsgi:application` picks this file up.

Workers export their pending world saves when they exit (worker_exit; atexit also does it on a
normal exit). Do not use preload_app: the save scheduler must start in the workers, not the master.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
preload_app = False


def worker_exit(server, worker):
    from persistence.facade import flush_local_saves

    flush_local_saves()


def child_exit(server, worker):
    # Prometheus multiprocess mode: forget the dead worker's live gauges.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
