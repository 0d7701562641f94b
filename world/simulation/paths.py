"""Routes over exits: one reverse breadth-first tree per destination class, shared by every NPC.

A tree maps each room to the exit to take towards the nearest room of the class; building one
costs one pass over the exit graph (reference/simulation.md G: ~3.6 ms on 10,000 rooms), after
which each NPC's route is a walk down the tree. Only unlocked exits are used, so a shared tree
never routes an NPC through a door it may not pass; ties are broken by exit name.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable

from world.simulation.snapshot import Snapshot, Way

MAX_ROUTE = 24


class Router:
    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.trees: dict[Hashable, tuple[dict[int, Way], frozenset[int]]] = {}

    def incoming(self) -> dict[int, list[Way]]:
        assert self.snapshot.graph is not None  # set by Snapshot.index
        return self.snapshot.graph.incoming()

    def tree(self, key: Hashable, targets: Callable[[], list[int]]) -> tuple[dict[int, Way], frozenset[int]]:
        """Room id → the exit leading one step closer to the nearest target room, and the targets.

        Both are cached per key: `targets` scans the world, so it runs once per tick, not per NPC."""
        if key not in self.trees:
            incoming = self.incoming()
            goals = sorted(set(targets()))
            hop: dict[int, Way] = {}
            seen = set(goals)
            queue = deque(goals)
            while queue:
                room = queue.popleft()
                for way in incoming.get(room, ()):
                    if way.source_id not in seen:
                        seen.add(way.source_id)
                        hop[way.source_id] = way
                        queue.append(way.source_id)
            self.trees[key] = (hop, frozenset(goals))
        return self.trees[key]

    def route(self, start: int, key: Hashable, targets: Callable[[], list[int]]) -> tuple[list[Way], int] | None:
        """The exits from `start` to the nearest target room and that room; None if none is reachable."""
        hop, goal_set = self.tree(key, targets)
        room, steps = start, list[Way]()
        while room not in goal_set:
            way = hop.get(room)
            if way is None or len(steps) >= MAX_ROUTE:
                return None
            steps.append(way)
            room = way.destination_id
        return steps, room
