from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer

from bench.calibration.models import Character, Exit, Item


class Token(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Character | None:
        return Character.objects.select_related("room").filter(token=token).first()


class ExitOut(Schema):
    name: str
    locked: bool
    destination: str


class CharacterOut(Schema):
    name: str
    is_npc: bool


class LookOut(Schema):
    name: str
    description: str
    exits: list[ExitOut]
    characters: list[CharacterOut]
    items: list[str]


api = NinjaAPI(auth=Token(), docs_url=None)


@api.get("/look", response=LookOut)
def look(request: HttpRequest) -> dict:
    me = request.auth
    room = me.room
    exits = [
        {"name": e["name"], "locked": e["is_locked"], "destination": e["destination__name"]}
        for e in Exit.objects.filter(source=room).order_by("name").values("name", "is_locked", "destination__name")
    ]
    characters = list(
        Character.objects.filter(room=room).exclude(pk=me.pk).order_by("is_npc", "name").values("name", "is_npc")
    )
    items = list(Item.objects.filter(room=room).order_by("name").values_list("name", flat=True))
    return {
        "name": room.name,
        "description": room.description,
        "exits": exits,
        "characters": characters,
        "items": items,
    }
