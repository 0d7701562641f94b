import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mudsite.settings")

django_application = get_asgi_application()

from django.conf import settings  # noqa: E402

if settings.DEBUG:
    # uvicorn serves no static files (runserver did): the admin's and Swagger's assets come from here
    # in development; production runs collectstatic and lets the proxy serve STATIC_ROOT.
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    django_application = ASGIStaticFilesHandler(django_application)

from persistence.lifespan import with_save_flush_on_shutdown  # noqa: E402  (needs the apps loaded)
from world.live.asgi_stream import with_fast_stream  # noqa: E402

# Open SSE streams are served beside Django's handler: no parked thread per stream (world/live/asgi_stream.py).
# Lifespan "shutdown" exports this process's pending world saves (uvicorn skips atexit on SIGTERM).
application = with_save_flush_on_shutdown(with_fast_stream(django_application))
