"""Dice (TinyMUD §3.4 `roll`): its grammar, with its defects fixed and hard limits.

Grammar (case and spaces ignored): terms joined by `+` / `-`; a term is an integer or a die group
`[N]dM`, `[N]d%` (d100) or `[N]dF` (fate: -1, 0, +1), followed by modifiers in any order, each at
most once: `khN` / `klN` (keep the N highest / lowest), `dhN` / `dlN` (drop them; one keep-or-drop
per group), `adv` / `dis` (a single d20 rolled twice, keep the higher / lower), `!` or `!T`
(explode on the highest face, or on T or more), `rN` (reroll once a die showing N or less).

Fixed from TinyMUD: dice explode only when `!` is written (its default threshold made every die
explode, so 1d6 could total 23) and can never explode forever (`1d1!` hung the server): an
explosion threshold that every face reaches is refused, and a chain stops after
MAX_EXPLOSIONS extra rolls. Counts, sides, terms and length are bounded; anything past a limit
is a 422 before a single die is rolled.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

from world.exceptions import Invalid
from world.models import Character, EventKind
from world.selectors import character_room
from world.services.events import EventBatch, players_in_rooms

MAX_EXPRESSION_LENGTH = 200
MAX_TERMS = 20
MAX_DICE_PER_GROUP = 100
MAX_DICE_TOTAL = 200
MAX_SIDES = 1000
MAX_CONSTANT = 1_000_000
MAX_EXPLOSIONS = 10  # extra rolls one die may add by exploding

# The source of the dice. Tests replace it with a seeded random.Random; production draws from the OS.
dice_rng: random.Random = random.SystemRandom()

_TERM = re.compile(r"([+-])?(?:(\d*)d(\d+|%|f)((?:kh\d+|kl\d+|dh\d+|dl\d+|adv|dis|!\d*|r\d+)*)|(\d+))")
_MODIFIER = re.compile(r"(kh|kl|dh|dl|r)(\d+)|(adv|dis)|!(\d*)")


@dataclass(frozen=True)
class DiceGroup:
    count: int
    sides: int  # 0 for fate dice
    keep: tuple[str, int] | None = None  # ("kh" | "kl" | "dh" | "dl", N)
    advantage: str | None = None  # "adv" | "dis"
    explode_at: int | None = None
    reroll_at_most: int | None = None

    @property
    def low_face(self) -> int:
        return -1 if self.sides == 0 else 1

    @property
    def high_face(self) -> int:
        return 1 if self.sides == 0 else self.sides

    @property
    def label(self) -> str:
        return f"{self.count}d{'F' if self.sides == 0 else self.sides}"

    @property
    def kept_count(self) -> int:
        if self.advantage:
            return 1
        if self.keep is None:
            return self.count
        how, n = self.keep
        return n if how in ("kh", "kl") else self.count - n

    @property
    def rolled_count(self) -> int:
        return 2 if self.advantage else self.count

    def bounds(self) -> tuple[int, int]:
        """The lowest and highest total this group can give."""
        high_die = self.high_face * (1 + MAX_EXPLOSIONS) if self.explode_at is not None else self.high_face
        return self.kept_count * self.low_face, self.kept_count * high_die


@dataclass(frozen=True)
class Term:
    sign: int
    constant: int | None = None
    dice: DiceGroup | None = None


@dataclass
class Expression:
    text: str
    terms: list[Term] = field(default_factory=list)

    def bounds(self) -> tuple[int, int]:
        low = high = 0
        for term in self.terms:
            a, b = (term.constant, term.constant) if term.dice is None else term.dice.bounds()
            assert a is not None and b is not None
            if term.sign > 0:
                low, high = low + a, high + b
            else:
                low, high = low - b, high - a
        return low, high


@dataclass
class RollResult:
    expression: str
    total: int
    minimum: int
    maximum: int
    terms: list[dict[str, Any]]
    private: bool = False
    message: str = ""


def _number(text: str, *, what: str, limit: int) -> int:
    digits = text.lstrip("0") or "0"
    if len(digits) > len(str(limit)) or int(digits) > limit:
        raise Invalid(f"Dice error: {what} may be at most {limit}.", code="dice_limit", details={"limit": limit})
    return int(digits)


def _modifiers(text: str, count: int, sides: int) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for match in _MODIFIER.finditer(text):
        how, n, adv, explode = match.groups()
        kind = (
            "keep"
            if how in ("kh", "kl", "dh", "dl")
            else ("reroll" if how == "r" else ("advantage" if adv else "explode"))
        )
        if kind in found:
            raise Invalid(f"Dice error: '{match.group(0)}' repeats a modifier of its group.", code="dice_syntax")
        if kind == "keep":
            value = _number(n, what="keep/drop", limit=MAX_DICE_PER_GROUP)
            if how in ("kh", "kl") and not 1 <= value <= count:
                raise Invalid(f"Dice error: {how}{value} must keep between 1 and {count} dice.", code="dice_syntax")
            if how in ("dh", "dl") and not 0 <= value < count:
                raise Invalid(f"Dice error: {how}{value} must leave at least one of {count} dice.", code="dice_syntax")
            found[kind] = (how, value)
        elif kind == "reroll":
            found[kind] = _number(n, what="a reroll threshold", limit=MAX_SIDES)
        elif kind == "advantage":
            if sides != 20 or count > 1:
                raise Invalid("Dice error: adv/dis only apply to a single d20.", code="dice_syntax")
            found[kind] = adv
        else:
            high = 1 if sides == 0 else sides
            threshold = _number(explode, what="an explosion threshold", limit=MAX_SIDES) if explode else high
            low = -1 if sides == 0 else 1
            if high == low:
                raise Invalid(
                    f"Dice error: a d{sides} always shows its highest face, so '!' would explode forever.",
                    code="dice_explodes_forever",
                )
            if threshold <= low or threshold > high:
                raise Invalid(
                    f"Dice error: '!{explode}' on a d{'F' if sides == 0 else sides} would explode on every roll or "
                    f"never; give a threshold from {low + 1} to {high}.",
                    code="dice_explodes_forever" if threshold <= low else "dice_syntax",
                )
            found[kind] = threshold
    if "keep" in found and "advantage" in found:
        raise Invalid("Dice error: adv/dis cannot be combined with keep or drop.", code="dice_syntax")
    return found


def dice_parse(expression: str) -> Expression:
    """The parsed expression, or Invalid (422) with the reason; nothing is rolled."""
    text = "".join(expression.split()).lower()
    if not text:
        raise Invalid("Usage: roll <dice expression>, e.g. 2d6+1.", code="dice_syntax")
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise Invalid(f"Dice error: expressions are at most {MAX_EXPRESSION_LENGTH} characters.", code="dice_limit")
    parsed = Expression(text=text)
    position, dice_total = 0, 0
    while position < len(text):
        match = _TERM.match(text, position)
        if match is None or match.end() == position or (position > 0 and not match.group(1)):
            raise Invalid(f"Dice error: cannot read '{text[position:]}'.", code="dice_syntax", details={"at": position})
        sign_text, count_text, sides_text, modifiers, constant = match.groups()
        sign = -1 if sign_text == "-" else 1
        if constant is not None:
            parsed.terms.append(Term(sign=sign, constant=_number(constant, what="a constant", limit=MAX_CONSTANT)))
        else:
            count = _number(count_text, what="the dice count", limit=MAX_DICE_PER_GROUP) if count_text else 1
            if count < 1:
                raise Invalid("Dice error: roll at least one die.", code="dice_syntax")
            if sides_text == "%":
                sides = 100
            elif sides_text == "f":
                sides = 0
            else:
                sides = _number(sides_text, what="the number of sides", limit=MAX_SIDES)
                if sides < 1:
                    raise Invalid("Dice error: a die has at least one side.", code="dice_syntax")
            found = _modifiers(modifiers, count, sides)
            group = DiceGroup(
                count=count,
                sides=sides,
                keep=found.get("keep"),
                advantage=found.get("advantage"),
                explode_at=found.get("explode"),
                reroll_at_most=found.get("reroll"),
            )
            dice_total += group.rolled_count
            if dice_total > MAX_DICE_TOTAL:
                raise Invalid(f"Dice error: at most {MAX_DICE_TOTAL} dice per roll.", code="dice_limit")
            parsed.terms.append(Term(sign=sign, dice=group))
        if len(parsed.terms) > MAX_TERMS:
            raise Invalid(f"Dice error: at most {MAX_TERMS} terms.", code="dice_limit")
        position = match.end()
    return parsed


def _face(group: DiceGroup, rng: random.Random) -> int:
    return rng.randint(-1, 1) if group.sides == 0 else rng.randint(1, group.sides)


def _roll_group(group: DiceGroup, rng: random.Random) -> dict[str, Any]:
    dice: list[dict[str, Any]] = []
    for _ in range(group.rolled_count):
        first = _face(group, rng)
        rolls = [first]
        if group.reroll_at_most is not None and first <= group.reroll_at_most:
            first = _face(group, rng)
            rolls.append(first)
        value, last = first, first
        explosions = 0
        while group.explode_at is not None and last >= group.explode_at and explosions < MAX_EXPLOSIONS:
            last = _face(group, rng)
            rolls.append(last)
            value += last
            explosions += 1
        dice.append({"rolls": rolls, "value": value, "kept": True, "exploded": explosions})
    order = sorted(range(len(dice)), key=lambda i: dice[i]["value"])
    dropped: list[int] = []
    how, n = group.keep if group.keep else ("", 0)
    if group.advantage == "adv":
        how, n = "kh", 1
    elif group.advantage == "dis":
        how, n = "kl", 1
    if how == "kh":
        dropped = order[: len(dice) - n]
    elif how == "kl":
        dropped = order[n:]
    elif how == "dh":
        dropped = order[len(dice) - n :]
    elif how == "dl":
        dropped = order[:n]
    for i in dropped:
        dice[i]["kept"] = False
    return {"dice": dice, "value": sum(d["value"] for d in dice if d["kept"])}


def dice_evaluate(expression: str, *, rng: random.Random | None = None) -> RollResult:
    """Parse and roll `expression`: the total, its bounds and the breakdown of every die."""
    parsed = dice_parse(expression)
    source = rng or dice_rng
    total, terms = 0, []
    for term in parsed.terms:
        sign = "+" if term.sign > 0 else "-"
        if term.dice is None:
            assert term.constant is not None
            terms.append({"sign": sign, "term": str(term.constant), "value": term.constant, "dice": []})
            total += term.sign * term.constant
        else:
            rolled = _roll_group(term.dice, source)
            terms.append({"sign": sign, "term": term.dice.label, **rolled})
            total += term.sign * rolled["value"]
    low, high = parsed.bounds()
    return RollResult(expression=parsed.text, total=total, minimum=low, maximum=high, terms=terms)


def dice_roll(
    *, character: Character, expression: str, private: bool = False, rng: random.Random | None = None
) -> RollResult:
    """Roll for `character`. A public roll is seen by the room (EventKind.ROLL); a private one by no one else."""
    room = character_room(character=character)
    result = dice_evaluate(expression, rng=rng)
    result.private = private
    if private:
        result.message = f"You secretly pull out the sacred geometric stones… roll {result.expression} = {result.total}"
        return result
    result.message = f"You pull out the sacred geometric stones… roll {result.expression} = {result.total}"
    batch = EventBatch(world_id=character.world_id)
    batch.add(
        recipients=players_in_rooms(room_ids=[room.pk]).get(room.pk, []),
        kind=EventKind.ROLL,
        actor=character.name,
        text=f"{character.name} rolls {result.expression} = {result.total}",
        data={"expression": result.expression, "total": result.total, "terms": result.terms},
        actor_id=character.pk,
        actor_text=result.message,
    )
    batch.write()
    return result
