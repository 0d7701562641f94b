from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from world.models import Room


def rename_room(request: HttpRequest, slug: str, key: str, name: str) -> HttpResponse:
    room = Room.objects.get(world__slug=slug, key=key)
    room.name = name
    room.save()  # the signal marks the world dirty and queues a debounced save in this process
    return HttpResponse("renamed")


urlpatterns = [
    path("test/rename/<slug:slug>/<str:key>/<str:name>/", rename_room),
    path("", include("mudsite.urls")),
]
