import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mudsite.settings")

django_application = get_asgi_application()

from persistence.lifespan import with_save_flush_on_shutdown  # noqa: E402  (needs the apps loaded)

# Lifespan "shutdown" exports this process's pending world saves (uvicorn skips atexit on SIGTERM).
application = with_save_flush_on_shutdown(django_application)
