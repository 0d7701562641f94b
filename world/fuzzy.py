"""TinyMUD's name resolution: exact → case-insensitive exact → unique prefix → unique substring."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from world.exceptions import Conflict, NotFound

SUGGESTION_LIMIT = 10


def fuzzy_matches[T](query: str, candidates: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """The candidates at the first tier that matches anything (empty when none does)."""
    items = list(candidates)
    wanted = query.strip()
    folded = wanted.casefold()
    tiers: list[Callable[[str], bool]] = [
        lambda n: n == wanted,
        lambda n: n.casefold() == folded,
        lambda n: n.casefold().startswith(folded),
        lambda n: folded in n.casefold(),
    ]
    for matches in tiers:
        found = [item for item in items if matches(name(item))]
        if found:
            return found
    return []


def fuzzy_resolve[T](query: str, candidates: Iterable[T], name: Callable[[T], str], *, what: str = "thing") -> T:
    """The one candidate `query` names; NotFound (404) or Conflict (409, with the candidates) otherwise."""
    if not query.strip():
        raise NotFound(f"Name a {what}.", details={"query": query})
    items = list(candidates)
    found = fuzzy_matches(query, items, name)
    if len(found) == 1:
        return found[0]
    if found:
        names = sorted({name(item) for item in found}, key=str.casefold)[:SUGGESTION_LIMIT]
        raise Conflict(
            f"Ambiguous {what} '{query}'. Did you mean: {', '.join(names)}?",
            code="ambiguous",
            details={"query": query, "candidates": names},
        )
    first = query.strip()[:1].casefold()
    suggestions = sorted({name(i) for i in items if name(i)[:1].casefold() == first}, key=str.casefold)
    hint = f" Did you mean: {', '.join(suggestions[:SUGGESTION_LIMIT])}?" if suggestions else ""
    raise NotFound(
        f"You don't see '{query}' here.{hint}",
        details={"query": query, "candidates": suggestions[:SUGGESTION_LIMIT]},
    )
