"""World files on disk: names, crash-safe replacement, backups, stale temp files, headers."""

from __future__ import annotations

import contextlib
import gzip
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import zstandard

from persistence import conf
from persistence.formats.mudsite import read_header

SUFFIXES = {"": ".json", "zstd": ".json.zst", "gzip": ".json.gz"}
HEADER_BYTES = 256
STALE_UNKNOWN_TEMP_SECONDS = 3600


def world_file_path(slug: str, compression: str | None = None) -> Path:
    compression = conf.compression() if compression is None else compression
    return conf.state_dir() / f"{slug}{SUFFIXES[compression]}"


def compression_of(path: Path) -> str:
    name = path.name
    if name.endswith(".zst"):
        return "zstd"
    if name.endswith(".gz"):
        return "gzip"
    return ""


@contextlib.contextmanager
def compressed_writer(raw: IO[bytes], compression: str) -> Iterator[IO[bytes]]:
    if compression == "zstd":
        zstd_writer = zstandard.ZstdCompressor(level=3).stream_writer(raw, closefd=False)
        yield zstd_writer  # type: ignore[misc]
        zstd_writer.close()
    elif compression == "gzip":
        # mtime=0: the same state gives the same bytes.
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=6) as writer:
            yield writer  # type: ignore[misc]
    else:
        yield raw


def open_world_file(path: Path) -> IO[bytes]:
    """Open a world file for reading its JSON, decompressing by suffix."""
    compression = compression_of(path)
    if compression == "zstd":
        return zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), closefd=True)  # type: ignore[return-value]
    if compression == "gzip":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


class WorldFileTooLarge(ValueError):
    """A world file decompresses to more than the configured limit."""


def read_world_file(path: Path, *, max_bytes: int | None = None) -> bytes:
    """The file's (decompressed) bytes; with `max_bytes`, reading stops past it with WorldFileTooLarge."""
    with open_world_file(path) as f:
        if max_bytes is None:
            return f.read()
        chunks, total = [], 0
        while chunk := f.read(min(1 << 20, max_bytes + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise WorldFileTooLarge(f"it decompresses to more than {max_bytes} bytes (MUDSITE_IMPORT_MAX_BYTES)")
    return b"".join(chunks)


def read_file_version(path: Path) -> int | None:
    """The world_version in a file's header, or None when there is no readable file."""
    try:
        with open_world_file(path) as f:
            header = read_header(f.read(HEADER_BYTES))
    except (OSError, zstandard.ZstdError, EOFError):
        return None
    return header[2] if header else None


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(
    path: Path,
    write: Callable[[IO[bytes]], None],
    *,
    compression: str = "",
    before_replace: Callable[[Path], None] | None = None,
) -> int:
    """Write `path` so a reader sees the old complete file or the new complete one, never a mix.

    Same-directory temp file, fsync, rename, fsync the directory (Redis's rdbSave sequence).
    A failed fsync is never retried: the temp file is dropped and the world stays dirty.
    Returns the size in bytes of the new file.
    """
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as raw:
            with compressed_writer(raw, compression) as out:
                write(out)
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(tmp, 0o644)
        size = tmp.stat().st_size
        if before_replace is not None:
            before_replace(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    fsync_dir(directory)
    return size


def temp_files(slug: str | None = None) -> list[Path]:
    directory = conf.state_dir()
    if not directory.is_dir():
        return []
    pattern = f".{slug}.json*.tmp" if slug else ".*.json*.tmp"
    return sorted(directory.glob(pattern))


def slug_of_temp(path: Path) -> str:
    return path.name[1:].split(".json", 1)[0]


def remove_temp_files(slug: str) -> int:
    """Remove a world's leftover temp files; call only while holding that world's lock."""
    removed = 0
    for tmp in temp_files(slug):
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
            removed += 1
    return removed


def remove_old_unknown_temp_files(known_slugs: set[str]) -> int:
    removed = 0
    for tmp in temp_files():
        if slug_of_temp(tmp) in known_slugs:
            continue
        with contextlib.suppress(FileNotFoundError):
            if time.time() - tmp.stat().st_mtime > STALE_UNKNOWN_TEMP_SECONDS:
                tmp.unlink()
                removed += 1
    return removed


def keep_backup(path: Path, keep: int) -> None:
    """Hard-link the current file into backups/<slug>/ before it is replaced; keep the newest `keep`."""
    if keep <= 0 or not path.exists():
        return
    version = read_file_version(path)
    if version is None:
        return
    name = path.name
    slug = name.split(".json", 1)[0]
    backup_dir = path.parent / "backups" / slug
    backup_dir.mkdir(parents=True, exist_ok=True)
    target = backup_dir / f"{slug}.v{version:012d}{name[len(slug) :]}"
    if not target.exists():
        os.link(path, target)
    backups = sorted(p for p in backup_dir.iterdir() if p.name.startswith(f"{slug}.v"))
    for old in backups[:-keep]:
        with contextlib.suppress(FileNotFoundError):
            old.unlink()
