"""The one rulebook for input: every write path (services, model clean, admin forms, API schemas, importer)
asks this module whether a value may be stored.

Text. Stored text must be exportable and storable on every database: no lone surrogates (UTF-8 cannot
encode them, so one would stop every export of the world), no NUL (PostgreSQL refuses it), no other control
character except newline, carriage return and tab.

Names. Usernames and character names (players and NPCs) are NFKC-normalised, blanks collapsed, and carry
no control or format character. A name is refused when it equals an existing one case-insensitively
(`name_taken`) or when it merely looks like one (`name_confusable`: `аdmin` with a Cyrillic а next to
`admin`). Looks are compared through `name_skeleton`, built from the Unicode confusables table shipped by
the confusable-homoglyphs package (docs/decisions.md says why).

JSON fields. Each JSON column has one shape check here (`JSON_SHAPES`); model `clean()` (hence the admin),
the services and the importer use the same checks.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from world.exceptions import Conflict, Invalid

TEXT_ALLOWED_CONTROLS = frozenset("\n\r\t")
CHARACTER_NAME_MIN, CHARACTER_NAME_MAX = 2, 32
CHARACTER_DESCRIPTION_MAX = 300
USERNAME_MAX = 150
KEY_MAX = 64
TAG_MAX = 128
TAGS_MAX = 100


# ---------------------------------------------------------------------------------------------- text


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored, or None. Cheap on the common case (plain printable text)."""
    if value.isprintable():
        return None
    for ch in value:
        category = unicodedata.category(ch)
        if category == "Cs":
            return "must not contain lone surrogates (text must be valid Unicode)"
        if ch == "\x00":
            return "must not contain NUL characters"
        if category == "Cc" and ch not in TEXT_ALLOWED_CONTROLS:
            return "must not contain control characters (newlines and tabs are fine)"
    return None


def text_check(value: str, *, field: str) -> str:
    """`value` unchanged, or Invalid naming `field`."""
    problem = text_problem(value)
    if problem is not None:
        raise Invalid(f"{field} {problem}.", code="invalid", details={"field": field})
    return value


def text_clean(value: str, *, field: str, max_length: int | None = None) -> str:
    """Stripped text that may be stored, refused (not cut) when longer than `max_length`."""
    text = text_check(value, field=field).strip()
    if max_length is not None and len(text) > max_length:
        raise Invalid(
            f"{field} is at most {max_length} characters (got {len(text)}).",
            details={"field": field, "max_length": max_length, "length": len(text)},
        )
    return text


def tree_text_problem(value: Any) -> str | None:
    """The first text problem anywhere in a JSON-like tree (keys included), or None."""
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, dict):
        for key, item in value.items():
            problem = tree_text_problem(key) or tree_text_problem(item)
            if problem:
                return problem
    elif isinstance(value, list | tuple):
        for item in value:
            problem = tree_text_problem(item)
            if problem:
                return problem
    return None


# In JSON text, every character text_problem refuses is an escape (a control character, a lone
# surrogate) or DEL / a C1 control's UTF-8 bytes: JSON text without any of these holds no refused
# text, and the parsed tree need not be walked. Conservative: an escaped backslash before "u0001"
# matches too, and only costs the walk.
JSON_SUSPECT_TEXT = re.compile(
    rb"\\u00[0189][0-9a-fA-F]|\\u007[fF]|\\u[dD][89a-fA-F][0-9a-fA-F]{2}|\\[bf]|\x7f|\xc2[\x80-\x9f]"
)


def json_tree_text_problem(data: bytes, tree: Any) -> str | None:
    """tree_text_problem of `tree`, parsed from the JSON text `data`; walks it only when the text
    has an escape or byte that could hide a refused character (~0.3 s saved on a 64k-row world)."""
    if JSON_SUSPECT_TEXT.search(data) is None:
        return None
    return tree_text_problem(tree)


def schema_text(value: str) -> str:
    """Pydantic AfterValidator form of `text_problem` (ValueError becomes a 422)."""
    problem = text_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


# ---------------------------------------------------------------------------------------------- names


def name_normalize(raw: str) -> str:
    """NFKC (fullwidth `Ｏｌｄ Ｔｏｍ` becomes `Old Tom`), blanks collapsed to one space."""
    return " ".join(unicodedata.normalize("NFKC", raw).split())


def name_clean(raw: str, *, field: str = "name", min_length: int = 1, max_length: int) -> str:
    """A normalised name: no control, format or surrogate character; length checked after normalising."""
    if any(unicodedata.category(ch) == "Cs" for ch in raw):
        raise Invalid(f"{field} must be valid Unicode text.", details={"field": field})
    name = name_normalize(raw)
    if not min_length <= len(name) <= max_length:
        raise Invalid(
            f"{field.capitalize()} must be between {min_length} and {max_length} characters.",
            details={"field": field, "min_length": min_length, "max_length": max_length},
        )
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise Invalid(f"{field.capitalize()} cannot contain control characters.", details={"field": field})
    return name


def character_name_clean(raw: str) -> str:
    """A player's or NPC's name: TinyMUD's 2-32 characters, normalised."""
    return name_clean(raw, field="name", min_length=CHARACTER_NAME_MIN, max_length=CHARACTER_NAME_MAX)


def username_clean(raw: str) -> str:
    """An account's username, normalised like character names (Django's validators still apply on top)."""
    return name_clean(raw, field="username", min_length=1, max_length=USERNAME_MAX)


@functools.cache
def _confusable_representative(ch: str) -> str:
    # The confusables table lists, per character, the characters it can be mistaken for. A non-ASCII
    # character that can pass for an ASCII one becomes that ASCII character (the lowest, for stability);
    # ASCII stays itself, so plain names like "Bill" and "BiII" stay distinct, as TinyMUD had them.
    if ch.isascii():
        return ch
    from confusable_homoglyphs import confusables  # 17 ms: loaded by the first non-ASCII name, not by every process

    ascii_lookalikes = [
        h["c"] for h in confusables.confusables_data.get(ch, ()) if len(h["c"]) == 1 and h["c"].isascii()
    ]
    return min(ascii_lookalikes) if ascii_lookalikes else ch


@functools.cache
def name_skeleton(name: str) -> str:
    """What a name looks like: equal skeletons are names a reader can mistake for one another."""
    mapped = "".join(_confusable_representative(ch) for ch in name_normalize(name))
    return "".join(_confusable_representative(ch) for ch in mapped.casefold())


def name_check_free(name: str, *, existing: Iterable[str], what: str = "name", code_prefix: str = "name") -> None:
    """Conflict when `name` equals (case-insensitively) or looks like one of `existing`."""
    folded, skeleton = name.casefold(), name_skeleton(name)
    for other in existing:
        if other.casefold() == folded:
            raise Conflict(f"The {what} '{name}' is already taken.", code=f"{code_prefix}_taken", details={what: name})
        if name_skeleton(other) == skeleton:
            raise Conflict(
                f"The {what} '{name}' looks too much like '{other}', which is taken.",
                code=f"{code_prefix}_confusable",
                details={what: name, "similar_to": other},
            )


def character_name_check_free(*, world_id: int, name: str, exclude_id: int | None = None) -> None:
    """The one "is this character name free in this world" check (players and NPCs share names)."""
    from world.models import Character

    others = Character.objects.filter(world_id=world_id)
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    name_check_free(name, existing=others.values_list("name", flat=True), what="name")


def username_check_free(*, username: str) -> None:
    from django.contrib.auth import get_user_model

    names = get_user_model().objects.values_list("username", flat=True)
    name_check_free(username, existing=names, what="username", code_prefix="username")


def unique_name(base: str, *, taken: Callable[[str], bool], max_length: int, separator: str) -> str:
    """`base`, or `base<sep>2`, `base<sep>3`… whichever `taken` says is free (for generators, never builders)."""
    name = base[:max_length]
    candidate, n = name, 1
    while taken(candidate):
        n += 1
        suffix = f"{separator}{n}"
        candidate = name[: max_length - len(suffix)] + suffix
    return candidate


def character_name_unique(*, world_id: int, base: str) -> str:
    """A free character name from `base` (`Guard`, `Guard 2`…), normalised and not confusable with a taken one."""
    from world.models import Character

    skeletons = {name_skeleton(n) for n in Character.objects.filter(world_id=world_id).values_list("name", flat=True)}
    return unique_name(
        name_normalize(base),
        taken=lambda candidate: name_skeleton(candidate) in skeletons,
        max_length=CHARACTER_NAME_MAX,
        separator=" ",
    )


# ---------------------------------------------------------------------------------------------- JSON shapes


def tags_clean(tags: Any, *, field: str = "tags") -> list[str]:
    """A list of tags: strings, blanks collapsed, empty ones dropped, duplicates dropped (first kept)."""
    if tags is None:
        return []
    if not isinstance(tags, list | tuple):
        raise Invalid(f"{field} must be a list of strings.", details={"field": field})
    out: list[str] = []
    for raw in tags:
        if not isinstance(raw, str):
            raise Invalid(f"{field} must be a list of strings.", details={"field": field})
        tag = " ".join(text_check(raw, field=field).split())
        if len(tag) > TAG_MAX:
            raise Invalid(f"A tag is at most {TAG_MAX} characters.", details={"field": field})
        if tag and tag not in out:
            out.append(tag)
    if len(out) > TAGS_MAX:
        raise Invalid(f"At most {TAGS_MAX} {field}.", details={"field": field})
    return out


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def tags_problem(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        return 'Give a list of strings, like ["dark", "indoors"].'
    return tree_text_problem(value)


def strings_problem(value: Any) -> str | None:
    return tags_problem(value)


def ids_problem(value: Any) -> str | None:
    if not isinstance(value, list) or not all(_is_id(v) for v in value):
        return "Give a list of character ids (whole numbers), like [3, 7]."
    return None


def lock_rules_problem(value: Any) -> str | None:
    shape = 'Give a list of rules like [{"type": "friend", "to": 3}].'
    if not isinstance(value, list):
        return shape
    for rule in value:
        if not isinstance(rule, dict) or set(rule) != {"type", "to"}:
            return shape
        if not isinstance(rule["type"], str) or not rule["type"].strip() or not _is_id(rule["to"]):
            return shape
    return tree_text_problem(value)


def time_descriptions_problem(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "Give an object of hour (0-23) → text."
    bad = [k for k in value if not (isinstance(k, str) and k.isdigit() and 0 <= int(k) <= 23)]
    if bad:
        return f"Hours must be 0-23, got {', '.join(map(str, bad))}."
    if not all(isinstance(v, str) for v in value.values()):
        return "Each hour's description must be text."
    return tree_text_problem(value)


def json_object_problem(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "Give a JSON object."
    return tree_text_problem(value)


def json_list_problem(value: Any) -> str | None:
    if not isinstance(value, list):
        return "Give a JSON list."
    return tree_text_problem(value)


# (model name, field) → the shape check of that JSON column. Character.sheet keeps its own validator
# (world.sheet), Event.data and InteractionSession.actions are written by code only.
JSON_SHAPES: dict[tuple[str, str], Callable[[Any], str | None]] = {
    ("World", "time_descriptions"): time_descriptions_problem,
    ("Room", "tags"): tags_problem,
    ("ItemTemplate", "tags"): tags_problem,
    ("Item", "tags"): tags_problem,
    ("ItemTemplate", "crafting_recipe"): strings_problem,
    ("Item", "crafting_recipe"): strings_problem,
    ("ItemTemplate", "deconstruct_recipe"): strings_problem,
    ("Item", "deconstruct_recipe"): strings_problem,
    ("Exit", "lock_allow_ids"): ids_problem,
    ("Exit", "lock_allow_relationships"): lock_rules_problem,
    ("FactionRole", "contract_config"): json_object_problem,
    ("Character", "sheet"): json_object_problem,
    ("Mission", "reward_items"): strings_problem,
}


def instance_errors(instance: Any) -> dict[str, str]:
    """Form errors for every text and JSON field of a model instance (what model `clean()` raises)."""
    from django.db import models

    errors: dict[str, str] = {}
    model_name = type(instance).__name__
    for f in instance._meta.concrete_fields:
        value = getattr(instance, f.attname, None)
        if isinstance(f, models.JSONField):
            check = JSON_SHAPES.get((model_name, f.name))
            problem = check(value) if check is not None else tree_text_problem(value)
        elif isinstance(value, str):
            problem = text_problem(value)
        else:
            problem = None
        if problem:
            errors[f.name] = problem
    return errors


def key_check_free(queryset: Any, *, field: str, value: str, message: str, exclude_pk: int | None = None) -> None:
    """Conflict when `queryset` already holds `value` in `field`, case-insensitively (keys, faction names)."""
    taken = queryset.filter(**{f"{field}__iexact": value})
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise Conflict(message, details={field: value})


def key_chars(raw: str) -> str:
    """TinyMUD's id sanitizing: spaces become underscores, anything outside [A-Za-z0-9_] is dropped."""
    return re.sub(r"[^A-Za-z0-9_]", "", re.sub(r"\s+", "_", raw.strip()))


def key_clean(raw: str, *, field: str = "key") -> str:
    """A room/template/role key: sanitized like TinyMUD, refused (never cut) when over KEY_MAX characters."""
    key = key_chars(raw)
    if not key:
        raise Invalid(f"The {field} cannot be empty (letters, digits and underscores).", details={field: raw[:80]})
    if len(key) > KEY_MAX:
        raise Invalid(
            f"The {field} is at most {KEY_MAX} characters (got {len(key)}).",
            details={field: key[:80], "max_length": KEY_MAX},
        )
    return key
