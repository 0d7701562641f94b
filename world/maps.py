"""World maps for builders: rooms and exits laid out by Graphviz, drawn as SVG for the admin.

Reading (`world_map_read`) is four queries whatever the world's size; the layout is
Graphviz's (`dot` for small maps, `sfdp` for big ones) and is cached under a hash of its DOT source,
so a map is laid out again only when something it shows (rooms, exits, head counts) changed.
Large worlds default to a neighbourhood: the rooms within N exits of one room.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections import defaultdict, deque
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count

from world.models import Character, Exit, ExitKind, Item, Room, World

# Above this many rooms a map opens on a neighbourhood; the whole world is one click away.
FULL_MAP_ROOM_LIMIT = 400
DEFAULT_RADIUS = 2
MAX_RADIUS = 8
LAYOUT_TIMEOUT_SECONDS = 120
CACHE_SECONDS = 24 * 3600

EXIT_STYLES: dict[str, dict[str, str]] = {
    ExitKind.DOOR: {"style": "solid", "color": "#444444"},
    ExitKind.STAIRS_UP: {"style": "dashed", "color": "#1f6f43", "arrowhead": "normal"},
    ExitKind.STAIRS_DOWN: {"style": "dashed", "color": "#7a4b12", "arrowhead": "inv"},
    ExitKind.PORTAL: {"style": "dotted", "color": "#6a32a8", "penwidth": "2"},
}
LOCKED_COLOR = "#b00020"


class MapUnavailable(Exception):
    """Graphviz could not lay the map out (its binary is missing, or it failed): the page says why."""


@dataclass(frozen=True)
class MapRoom:
    id: int
    key: str
    name: str
    characters: int
    items: int


@dataclass(frozen=True)
class MapExit:
    source_id: int
    destination_id: int
    name: str
    kind: str
    is_locked: bool


@dataclass
class WorldMap:
    world: World
    rooms: list[MapRoom]
    exits: list[MapExit]
    center: MapRoom | None = None
    radius: int | None = None
    total_rooms: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def is_neighbourhood(self) -> bool:
        return self.center is not None

    @property
    def layout_engine(self) -> str:
        # dot's ranked layout reads best; past a few hundred rooms it gets slow, sfdp scales.
        return "sfdp" if len(self.rooms) > 150 else "dot"


def _counts_by_room(model: type[Character] | type[Item], world: World) -> dict[int, int]:
    rows = model.objects.filter(world=world, room__isnull=False).values("room").annotate(n=Count("pk"))
    return {row["room"]: row["n"] for row in rows.order_by()}


def world_map_read(
    *, world: World, center_key: str | None = None, radius: int | None = None, whole_world: bool = False
) -> WorldMap:
    """The rooms and exits to draw. With `center_key` (or in a large world) only the rooms within
    `radius` exits of that room, in either direction, and the exits between them."""
    rooms = {pk: (key, name) for pk, key, name in Room.objects.filter(world=world).values_list("pk", "key", "name")}
    exits = [
        MapExit(source_id=s, destination_id=d, name=n, kind=k, is_locked=locked)
        for s, d, n, k, locked in Exit.objects.filter(world=world)
        .order_by("source_id", "name")
        .values_list("source_id", "destination_id", "name", "kind", "is_locked")
    ]
    people = _counts_by_room(Character, world)
    things = _counts_by_room(Item, world)

    def as_map_room(pk: int) -> MapRoom:
        key, name = rooms[pk]
        return MapRoom(id=pk, key=key, name=name, characters=people.get(pk, 0), items=things.get(pk, 0))

    notes: list[str] = []
    center_id: int | None = None
    if center_key:
        lowered = center_key.lower()
        center_id = next((pk for pk, (key, _) in rooms.items() if key.lower() == lowered), None)
        if center_id is None:
            notes.append(f"No room with key {center_key!r}; showing the default view.")
    if center_id is None and not whole_world and len(rooms) > FULL_MAP_ROOM_LIMIT:
        center_id = world.start_room_id if world.start_room_id in rooms else min(rooms, default=None)
        if center_id is not None:
            notes.append(
                f"This world has {len(rooms)} rooms: showing the neighbourhood of one room. "
                "Choose a room and a radius, or ask for the whole world."
            )

    if center_id is None:
        chosen = sorted(rooms)
        return WorldMap(
            world=world,
            rooms=[as_map_room(pk) for pk in chosen],
            exits=exits,
            total_rooms=len(rooms),
            notes=notes,
        )

    radius = min(max(radius if radius is not None else DEFAULT_RADIUS, 0), MAX_RADIUS)
    neighbours: dict[int, set[int]] = defaultdict(set)
    for ex in exits:
        neighbours[ex.source_id].add(ex.destination_id)
        neighbours[ex.destination_id].add(ex.source_id)
    distance = {center_id: 0}
    queue = deque([center_id])
    while queue:
        here = queue.popleft()
        if distance[here] == radius:
            continue
        for there in sorted(neighbours[here]):
            if there not in distance:
                distance[there] = distance[here] + 1
                queue.append(there)
    inside = set(distance)
    return WorldMap(
        world=world,
        rooms=[as_map_room(pk) for pk in sorted(inside)],
        exits=[ex for ex in exits if ex.source_id in inside and ex.destination_id in inside],
        center=as_map_room(center_id),
        radius=radius,
        total_rooms=len(rooms),
        notes=notes,
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _label(text: str) -> str:
    # Graphviz reads backslash sequences (\n, \l, \N) inside labels; a room name is plain text.
    return text.replace("\\", "\\\\")


def world_map_source(world_map: WorldMap, *, room_url: dict[int, str]) -> str:
    """The Graphviz source of the map (DOT). `room_url` maps room ids to the page a click opens."""
    import graphviz  # imported by the first map, not by every process that loads the admin

    big = world_map.layout_engine == "sfdp"
    graph = graphviz.Digraph(
        name=f"world_{world_map.world.slug}",
        graph_attr={
            "rankdir": "LR",
            "overlap": "prism" if big else "true",
            "fontname": "Helvetica",
            "bgcolor": "white",
        },
        node_attr={"shape": "box", "style": "rounded,filled", "fillcolor": "#f4f1ea", "fontname": "Helvetica"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10"},
    )
    for room in world_map.rooms:
        is_center = world_map.center is not None and room.id == world_map.center.id
        graph.node(
            f"room{room.id}",
            label=_label(f"{room.name}\n{_count(room.characters, 'character')} · {_count(room.items, 'item')}"),
            id=f"room-{room.key}",
            tooltip=_label(f"{room.key}: {room.name}"),
            URL=room_url.get(room.id, ""),
            target="_top",
            fillcolor="#ffe8a3" if is_center else "#f4f1ea",
            penwidth="2" if is_center else "1",
        )
    for ex in world_map.exits:
        attrs = dict(EXIT_STYLES.get(ex.kind, EXIT_STYLES[ExitKind.DOOR]))
        label = ex.name
        if ex.is_locked:
            attrs["color"] = LOCKED_COLOR
            attrs["fontcolor"] = LOCKED_COLOR
            label = f"{ex.name} (locked)"
        graph.edge(
            f"room{ex.source_id}",
            f"room{ex.destination_id}",
            label=_label(label),
            id=f"exit-{ex.source_id}-{ex.name}",
            **attrs,
        )
    return graph.source


def world_map_svg(world_map: WorldMap, *, room_url: dict[int, str]) -> str:
    """The map as SVG, laid out by Graphviz and cached by the map's signature."""
    source = world_map_source(world_map, room_url=room_url)
    key = "world-map:" + hashlib.sha256(source.encode()).hexdigest()
    svg = cache.get(key)
    if svg is not None:
        return svg
    engine = world_map.layout_engine
    try:
        done = subprocess.run(
            [engine, "-Tsvg"],
            input=source.encode(),
            capture_output=True,
            timeout=LAYOUT_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError as exc:
        raise MapUnavailable(
            f"Graphviz's '{engine}' program is not installed on the server (apt-get install graphviz)."
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise MapUnavailable(
            f"Laying out {len(world_map.rooms)} rooms took longer than {LAYOUT_TIMEOUT_SECONDS} s; "
            "choose a room and a smaller radius."
        ) from exc
    if done.returncode != 0:
        raise MapUnavailable(f"Graphviz failed: {done.stderr.decode(errors='replace')[:500]}")
    svg = done.stdout.decode()
    # Drop the XML prolog and DOCTYPE: the SVG is inlined into an HTML page.
    svg = svg[svg.index("<svg") :]
    cache.set(key, svg, CACHE_SECONDS)
    return svg
