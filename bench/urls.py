"""The project's URLs plus `/bench/bare-look`: a plain Django view returning a stored copy of a look response."""

import json
import os
from functools import cache

from django.http import HttpRequest, JsonResponse
from django.urls import path

from mudsite.urls import urlpatterns as project_urlpatterns


@cache
def _stored_look() -> dict:
    with open(os.environ["BENCH_BARE_JSON"]) as handle:
        return json.load(handle)


def bare_look(request: HttpRequest) -> JsonResponse:
    return JsonResponse(_stored_look())


urlpatterns = [path("bench/bare-look", bare_look), *project_urlpatterns]
