"""One bad stored value never freezes a world's file; imports refuse what cannot be stored."""

from __future__ import annotations

import pytest
import zstandard
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from persistence import exporter
from persistence.formats import mudsite
from persistence.importer import ImportRejected, import_world_bytes
from world import models

SURROGATE = "\udfff"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's jsonb refuses lone surrogates itself")
def test_a_lone_surrogate_stored_in_json_still_exports(tiny_world):
    # JSON columns store "\\udfff" escapes, so a value from before the rulebook (or raw SQL) can exist.
    models.Room.objects.filter(pk=tiny_world.hall.pk).update(tags=["dark" + SURROGATE])
    models.World.objects.filter(pk=tiny_world.world.pk).update(time_descriptions={"6": SURROGATE})
    before = mudsite.REPLACED_TEXT.count
    result = exporter.export_world(tiny_world.world.pk, force=True)
    assert result.status == "written", result.error
    assert mudsite.REPLACED_TEXT.count >= before + 2


def _exported(world) -> bytes:
    return mudsite.render_world(world.pk, 1)


def test_import_refuses_unstorable_text(tiny_world):
    data = _exported(tiny_world.world).replace(b'"Great Hall"', b'"Great\\u0000Hall"')
    with pytest.raises(ImportRejected, match="NUL"):
        import_world_bytes(data, slug="copy")
    data = _exported(tiny_world.world).replace(b'"Great Hall"', b'"Great\\udfffHall"')
    with pytest.raises(ImportRejected):
        import_world_bytes(data, slug="copy")


def test_import_refuses_a_world_version_beyond_int64(tiny_world):
    data = _exported(tiny_world.world).replace(b'"world_version":1,', b'"world_version":%d,' % 2**63, 1)
    with pytest.raises(ImportRejected):
        import_world_bytes(data, slug="copy")


def test_import_refuses_a_slug_longer_than_the_column_on_every_database(tiny_world):
    with pytest.raises(ImportRejected, match="slug"):
        import_world_bytes(_exported(tiny_world.world), slug="s" * 65)
    assert not models.World.objects.filter(slug="s" * 65).exists()


def test_compressed_import_is_read_with_a_size_cap(tiny_world, tmp_path, settings):
    bomb = tmp_path / "bomb.json.zst"
    bomb.write_bytes(zstandard.ZstdCompressor(level=19).compress(b" " * (8 * 1024 * 1024)))
    assert bomb.stat().st_size < 32 * 1024
    settings.MUDSITE_IMPORT_MAX_BYTES = 1024 * 1024
    with pytest.raises(CommandError, match="MUDSITE_IMPORT_MAX_BYTES"):
        call_command("import_world", str(bomb), slug="bomb")


def test_import_refuses_raw_and_upper_case_escaped_controls(tiny_world):
    """The importer scans the file's text before it walks the document (world.validation)."""
    for bad in (b'"Great\\u001FHall"', b'"Great\xc2\x85Hall"', b'"Great\x7fHall"', b'"Great\\bHall"'):
        data = _exported(tiny_world.world).replace(b'"Great Hall"', bad)
        with pytest.raises(ImportRejected, match="control characters"):
            import_world_bytes(data, slug="copy")
