from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from mudsite.api import api
from persistence.metrics import metrics_view

urlpatterns = [
    path("", RedirectView.as_view(url="/api/docs", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("metrics", metrics_view),  # Prometheus (MUDSITE_PROMETHEUS); 404 when off
]
