"""The shape every import command shares: validate whole, print errors by line, progress bar."""

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.tabular import FileFormatError


class ImportCommand(BaseCommand):
    # (path, *, dry_run, progress) -> a result with .errors, .created, .skipped and .flagged
    importer: Callable[..., Any]

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8, header row) or XLSX")
        parser.add_argument("--dry-run", action="store_true", help="validate only; write nothing")

    def handle(self, *args, file, dry_run, **options):
        bar = None

        def progress(done, total):
            nonlocal bar
            if bar is None:
                bar = tqdm(total=total, unit="row", file=self.stderr._out, disable=None)
            bar.update(done - bar.n)

        try:
            result = type(self).importer(file, dry_run=dry_run, progress=progress)
        except (FileFormatError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if bar is not None:
                bar.close()
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} error(s): nothing was imported.")
        for line in result.flagged:
            self.stdout.write(f"flagged: {line}")
        if dry_run:
            self.stdout.write(f"valid: {result.rows} row(s); nothing written (--dry-run)")
        else:
            self.stdout.write(
                f"imported: {result.created} created, {result.skipped} already present, {len(result.flagged)} flagged"
            )
