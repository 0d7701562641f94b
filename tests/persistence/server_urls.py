from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from persistence.facade import save_world
from world.models import Room


def ready(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ready")


def rename_room(request: HttpRequest, slug: str, key: str, name: str) -> HttpResponse:
    room = Room.objects.get(world__slug=slug, key=key)
    room.name = name
    room.save()  # the signal marks the world dirty and queues a debounced save in this process
    return HttpResponse("renamed")


def rename_room_and_save_now(request: HttpRequest, slug: str, key: str, name: str) -> HttpResponse:
    with transaction.atomic():
        room = Room.objects.get(world__slug=slug, key=key)
        room.name = name
        room.save()
        save_world(room.world_id, debounced=False)  # the scheduler thread starts exporting at once
    return HttpResponse("renamed")


urlpatterns = [
    path("test/ready/", ready),
    path("test/rename/<slug:slug>/<str:key>/<str:name>/", rename_room),
    path("test/save-now/<slug:slug>/<str:key>/<str:name>/", rename_room_and_save_now),
    path("", include("mudsite.urls")),
]
