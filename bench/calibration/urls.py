from django.urls import path

from bench.calibration.api import api

urlpatterns = [path("api/", api.urls)]
