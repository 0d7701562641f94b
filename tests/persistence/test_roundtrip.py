import orjson
import pytest

from persistence.formats.mudsite import parse_document
from tests.persistence.helpers import assert_round_trip, build_rich_world


def test_rich_world_round_trips_byte_identical(db):
    data = assert_round_trip(build_rich_world())
    document = parse_document(data)
    assert document["format"] == "mudsite-world"
    assert [r["key"] for r in document["rooms"]] == ["cellar_2", "Hall", "yard"]
    oak = next(e for e in document["exits"] if e["name"] == "Oak door")
    assert oak["lock_allow"] == ["Alice", "bob"]  # the unknown id is dropped, ids become names
    assert oak["lock_allow_relationships"] == [{"to": "Carol", "type": "friend"}, {"type": "anyone"}]
    assert document["world"]["builders"] == ["alice", "zed"]


def test_export_never_contains_passwords_or_tokens(db):
    world = build_rich_world()
    data = assert_round_trip(world)
    text = data.decode()
    assert "password" not in text
    assert "pbkdf2" not in text
    assert "md5$" not in text
    for row in orjson.loads(data)["characters"]:
        assert set(row) >= {"account"}


@pytest.mark.parametrize("compression", ["zstd", "gzip"])
def test_compressed_files_round_trip(db, settings, compression):
    settings.MUDSITE_COMPRESSION = compression
    assert_round_trip(build_rich_world())
