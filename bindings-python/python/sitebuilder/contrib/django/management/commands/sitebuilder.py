"""``python manage.py sitebuilder migrate|status|doctor``: the engine's schema from Django."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sitebuilder.contrib.django.conf import get_sitebuilder
from sitebuilder.errors import SiteBuilderError


class Command(BaseCommand):
    help = "Site builder schema: apply migrations (migrate), list them (status), check the setup (doctor)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["migrate", "status", "doctor"])

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            # Never migrate on open here: `status` and `doctor` must report what is pending.
            sb = get_sitebuilder(auto_migrate=False)
            getattr(self, f"_{action}")(sb)
        except SiteBuilderError as err:
            raise CommandError(f"[{err.code}] {err}") from err

    def _migrate(self, sb: Any) -> None:
        report = sb.migrate()
        for label in report.applied:
            self.stdout.write(f"  Applying {label}... OK")
        for label in report.adopted:
            self.stdout.write(f"  Adopting {label} (tables made by the site_building Django app)... OK")
        if not report.applied and not report.adopted:
            self.stdout.write("  No migrations to apply.")

    def _status(self, sb: Any) -> None:
        self.stdout.write("sitebuilder")
        for state in sb.migration_status():
            mark = "X" if state.applied else " "
            note = " (adopted)" if state.adopted else ""
            if state.checksum_mismatch:
                note += " (checksum mismatch!)"
            self.stdout.write(f" [{mark}] {state.label}{note}")

    def _doctor(self, sb: Any) -> None:
        from sitebuilder.contrib.django.health import full_report

        report = full_report(sb)  # with the broker and worker checks when generation uses Celery
        for check in report.checks:
            self.stdout.write(f"[{'ok' if check.ok else 'FAIL'}] {check.name}: {check.detail}")
            if not check.ok and check.fix:
                self.stdout.write(f"       fix: {check.fix}")
        if not report.ok:
            raise CommandError("doctor found problems (see above)")
