from persistence.formats.mudsite import SCHEMA_PATH
from persistence.formats.schema import schema_text


def test_the_schema_file_is_generated_from_the_field_lists():
    assert SCHEMA_PATH.read_text() == schema_text(), "run: python -m persistence.formats.schema > " + str(SCHEMA_PATH)


def test_the_fast_reader_writes_exactly_what_the_orm_reader_writes(db):
    from persistence.exporter import read_snapshot
    from persistence.formats.mudsite import render_world, section_rows_orm
    from tests.persistence.helpers import build_rich_world

    world = build_rich_world()
    with read_snapshot():
        assert render_world(world.pk, 3) == render_world(world.pk, 3, reader=section_rows_orm)


def test_batched_row_checks_refuse_exactly_what_the_row_schema_refuses(db):
    """write_world validates a batch of rows per call; the schema stays the one source of truth:
    the batch check accepts what check_row accepts and names the same row and error."""
    import pytest

    from persistence.formats.mudsite import (
        SECTION_SPECS,
        ExportContext,
        InvalidWorldFile,
        check_row,
        check_rows,
        section_rows,
    )
    from tests.persistence.helpers import build_rich_world

    world = build_rich_world()
    for section in SECTION_SPECS:
        rows = list(section_rows(section, world.pk, ExportContext(world.pk)))
        if not rows:
            continue
        check_rows(section.definition, rows, section.name, 0)
        key = next(iter(rows[-1]))
        for mutate in (
            lambda row, key=key: row.update({key: {"not": "this"}}),
            lambda row, key=key: row.pop(key),
            lambda row: row.update({"no_such_key": 1}),
        ):
            bad = [dict(row) for row in rows]
            mutate(bad[-1])
            for i, row in enumerate(bad[:-1]):
                check_row(section.definition, row, f"{section.name}/{i + 7}")
            with pytest.raises(InvalidWorldFile) as per_row:
                check_row(section.definition, bad[-1], f"{section.name}/{len(bad) - 1 + 7}")
            with pytest.raises(InvalidWorldFile) as batched:
                check_rows(section.definition, bad, section.name, 7)
            assert str(batched.value) == str(per_row.value)
