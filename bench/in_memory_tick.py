"""The obvious alternative to a database tick (14.12): the world in plain Python dicts, as TinyMUD
keeps it, ticked by a loop doing the same per-NPC work.

TinyMUD's heartbeat (server.py `_world_tick`) walks every room's NPCs in memory: needs fall and are
clamped, action points regenerate, a needy NPC without a plan thinks (its offline planner finds
the nearest food with a breadth-first search over the exits, one search per NPC), then spends an
action point per step. This loop does that on a world of the same shape as bench/generate_world.py
(10,000 rooms in a ring of east/west doors, every 50th east door locked, NPCs in random rooms with
random hunger, ~30,000 loose items) with nothing read from or written to a database and none of
the rulebook (no services, no events, no persistence). Two planners:

- `per_npc_bfs`: TinyMUD's, a BFS from each planning NPC (depth-capped at the clock's MAX_ROUTE);
- `shared_tree`: the clock's, one reverse BFS tree per tick for the destination class, each NPC's
  route a walk down it (world/simulation/paths.py).

Usage: python bench/in_memory_tick.py [--npcs 100 1000 10000] [--ticks 5] [--food]
(bench/tick_bench.py calls `measure` in the same run as the database tick and prints the ratio.)
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import deque
from typing import Any

ROOMS, ITEMS = 10_000, 30_000
NEED_THRESHOLD, AP_MAX, MAX_ROUTE = 25.0, 3, 24
RATES = {"hunger": 1.0, "thirst": 1.0, "socialization": 0.5, "sleep": 0.75}


def build_world(npcs: int, *, food: bool, seed: int = 1) -> dict[str, Any]:
    """Rooms → exits (name, destination, locked); NPC dicts; items per room (tag lists)."""
    rng = random.Random(seed)
    exits = {
        i: [("east door", (i + 1) % ROOMS, i % 50 == 0), ("west door", (i - 1) % ROOMS, False)] for i in range(ROOMS)
    }
    items: dict[int, list[dict[str, Any]]] = {i: [] for i in range(ROOMS)}
    for i in range(ITEMS - npcs):
        items[rng.randrange(ROOMS)].append({"name": f"pebble {i}", "tags": [], "value": i % 100})
    if food:
        for room in range(0, ROOMS, 50):
            items[room].append({"name": "bread", "tags": ["Edible: 30"], "value": None})
    beings = [
        {
            "name": f"Npc{i:05d}",
            "room": rng.randrange(ROOMS),
            "hunger": rng.uniform(0, 100),
            "thirst": 100.0,
            "socialization": 100.0,
            "sleep": 100.0,
            "safety": 100.0,
            "action_points": 0,
            "plan": [],
        }
        for i in range(npcs)
    ]
    # The reverse index routing walks: built with the world and kept, as exits never change here
    # (the clock keeps its exit graph across ticks the same way).
    incoming: dict[int, list[tuple[int, str]]] = {}
    for source, ways in exits.items():
        for name, destination, locked in ways:
            if not locked:
                incoming.setdefault(destination, []).append((source, name))
    return {"exits": exits, "incoming": incoming, "items": items, "npcs": beings}


def is_food(item: dict[str, Any]) -> bool:
    return any(tag.split(":", 1)[0].strip().casefold() == "edible" for tag in item["tags"])


def bfs_to_food(world: dict[str, Any], start: int) -> list[str]:
    """TinyMUD's way: a search from this NPC's room to the nearest room with food."""
    exits, items = world["exits"], world["items"]
    came: dict[int, tuple[int, str] | None] = {start: None}
    queue, depth = deque([start]), {start: 0}
    while queue:
        room = queue.popleft()
        if any(is_food(item) for item in items[room]):
            path = []
            while (back := came[room]) is not None:
                room, name = back[0], back[1]
                path.append(name)
            return path[::-1]
        if depth[room] >= MAX_ROUTE:
            continue
        for name, destination, locked in exits[room]:
            if not locked and destination not in came:
                came[destination] = (room, name)
                depth[destination] = depth[room] + 1
                queue.append(destination)
    return []


def food_tree(world: dict[str, Any]) -> tuple[dict[int, tuple[str, int]], set[int]]:
    """The clock's way: the food rooms found by one pass over the items, then one reverse BFS from
    all of them; room → (exit, next room)."""
    incoming = world["incoming"]
    goals = {room for room, things in world["items"].items() if any(is_food(t) for t in things)}
    hop: dict[int, tuple[str, int]] = {}
    seen, queue = set(goals), deque(sorted(goals))
    while queue:
        room = queue.popleft()
        for source, name in incoming.get(room, ()):
            if source not in seen:
                seen.add(source)
                hop[source] = (name, room)
                queue.append(source)
    return hop, goals


def route_down(tree: tuple[dict[int, tuple[str, int]], set[int]], start: int) -> list[str]:
    hop, goals = tree
    room, path = start, []
    while room not in goals and len(path) < MAX_ROUTE:
        if (step := hop.get(room)) is None:
            return []
        path.append(step[0])
        room = step[1]
    return path if room in goals else []


def tick(world: dict[str, Any], planner: str) -> int:
    """One heartbeat; returns the number of steps taken."""
    tree = None
    steps = 0
    for npc in world["npcs"]:
        npc["hunger"] = min(100.0, max(0.0, npc["hunger"] - RATES["hunger"]))
        npc["thirst"] = min(100.0, max(0.0, npc["thirst"] - RATES["thirst"]))
        npc["socialization"] = min(100.0, max(0.0, npc["socialization"] - RATES["socialization"]))
        npc["sleep"] = min(100.0, max(0.0, npc["sleep"] - RATES["sleep"]))
        npc["safety"] = min(100.0, npc["safety"] + 5.0)
        npc["action_points"] = min(AP_MAX, npc["action_points"] + 1)
        needy = min(npc["hunger"], npc["thirst"], npc["socialization"], npc["sleep"]) < NEED_THRESHOLD
        if needy and not npc["plan"]:
            if planner == "per_npc_bfs":
                npc["plan"] = bfs_to_food(world, npc["room"])
            else:
                tree = tree or food_tree(world)
                npc["plan"] = route_down(tree, npc["room"])
        for _ in range(min(npc["action_points"], len(npc["plan"]))):
            name = npc["plan"].pop(0)
            npc["room"] = next(d for n, d, _ in world["exits"][npc["room"]] if n == name)
            npc["action_points"] -= 1
            steps += 1
    return steps


def measure(npcs: int, ticks: int, *, food: bool) -> dict[str, float]:
    """Median ms per tick for each planner, after one warm-up tick, on a fresh world each."""
    medians = {}
    for planner in ("per_npc_bfs", "shared_tree"):
        world = build_world(npcs, food=food)
        tick(world, planner)
        timings = []
        for _ in range(ticks):
            began = time.perf_counter()
            tick(world, planner)
            timings.append((time.perf_counter() - began) * 1000)
        medians[planner] = statistics.median(timings)
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--npcs", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--ticks", type=int, default=5)
    parser.add_argument("--food", action="store_true")
    args = parser.parse_args()
    for n in args.npcs:
        found = measure(n, args.ticks, food=args.food)
        print(f"in-memory npcs={n} food={args.food}: " + ", ".join(f"{k} {v:.1f} ms" for k, v in found.items()))


if __name__ == "__main__":
    main()
