from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from persistence import conf
from persistence.files import WorldFileTooLarge, read_world_file
from persistence.formats import tinymud
from persistence.importer import ImportRejected, import_world_bytes
from world.consistency import world_problems


class Command(BaseCommand):
    # System checks import the whole API (~1 s and 33 MB a process, issue 13); this command needs only
    # the models. scripts/prepare.sh's `migrate` still runs them on every start.
    requires_system_checks = []

    help = (
        "Import a world file (mudsite format, plain or .zst/.gz, or a TinyMUD world_state.json) in one "
        "transaction. A bad file gets a clear error and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--slug", help="Import under this slug instead of the file's.")
        parser.add_argument("--replace", action="store_true", help="Replace the world if it already exists.")

    def handle(self, *args, file, slug=None, replace=False, **options):
        path = Path(file)
        try:
            data = read_world_file(path, max_bytes=conf.import_max_bytes())
        except WorldFileTooLarge as exc:
            raise CommandError(f"{file}: {exc}. Nothing was changed.") from None
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from None
        except Exception as exc:
            raise CommandError(f"Cannot read {file}: {type(exc).__name__}: {exc}") from None
        notes: list[str] = []
        try:
            world = import_world_bytes(data, slug=slug, replace=replace, notes=notes)
        except ImportRejected as exc:
            raise CommandError(f"{file}: {exc}. Nothing was changed.") from None
        self.stdout.write(f"Imported world {world.slug!r} from {file}.")
        if tinymud.looks_like_tinymud(data):
            self.tinymud_summary(world, notes)

    def tinymud_summary(self, world, notes: list[str]) -> None:
        for note in notes:
            self.stdout.write(f"  converted: {note}")
        problems = world_problems(world)
        if problems:
            self.stdout.write(
                f"check_world still reports {len(problems)} problem(s), carried over from TinyMUD's data:"
            )
        for problem in problems:
            self.stdout.write(f"  {problem}")
