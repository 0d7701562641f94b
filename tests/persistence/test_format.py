from persistence.formats.mudsite import SCHEMA_PATH
from persistence.formats.schema import schema_text


def test_the_schema_file_is_generated_from_the_field_lists():
    assert SCHEMA_PATH.read_text() == schema_text(), "run: python -m persistence.formats.schema > " + str(SCHEMA_PATH)
