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
