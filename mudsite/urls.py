from django.contrib import admin
from django.urls import path, re_path

from mudsite.api import api, unknown_api_path
from persistence.metrics import metrics_view
from world.web.views import home, play_page

urlpatterns = [
    path("", home, name="home"),
    path("play/", play_page, name="play"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", unknown_api_path),
    path("metrics", metrics_view),  # Prometheus (MUDSITE_PROMETHEUS); 404 when off
]
