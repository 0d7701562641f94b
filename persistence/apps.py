import atexit

from django.apps import AppConfig
from django.core.signals import request_started


def start_scheduler_on_first_request(**kwargs) -> None:
    # Server processes start sweeping for orphaned dirty worlds once they serve; management
    # commands (migrate…) and a gunicorn --preload master never start the thread.
    from persistence import conf
    from persistence.facade import process_scheduler

    if conf.scheduler_mode() == "thread":
        process_scheduler().ensure_started()
    request_started.disconnect(start_scheduler_on_first_request, dispatch_uid="mudsite-scheduler-start")


class PersistenceConfig(AppConfig):
    name = "persistence"
    verbose_name = "Persistence"

    def ready(self) -> None:
        from persistence import tracking
        from persistence.facade import flush_local_saves

        tracking.connect()
        # Best effort: exports this process's pending saves on a normal exit (gunicorn workers,
        # manage.py). SIGKILL skips it; the dirty marker in the database covers that case.
        atexit.register(flush_local_saves)
        request_started.connect(start_scheduler_on_first_request, dispatch_uid="mudsite-scheduler-start")
