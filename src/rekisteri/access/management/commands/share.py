"""rekisteri share create|revoke|list — share a person's record with another group company."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.access.models import GroupShare
from rekisteri.access.policy import ProcessingRefused
from rekisteri.access.selectors import system_scope
from rekisteri.access.services import group_share_create, group_share_revoke
from rekisteri.audit.services import Actor
from rekisteri.register.models import Controller, Person


class Command(BaseCommand):
    help = "Share one person's record with another group company under a shared purpose (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="share a person with a group company")
        create.add_argument("--person", type=int, required=True, help="the person's id")
        create.add_argument(
            "--controller", required=True, help="the receiving group company's code"
        )
        create.add_argument("--purpose", required=True, help="a purpose marked shared_within_group")
        revoke = sub.add_parser("revoke", help="end a share")
        revoke.add_argument("id", type=int)
        listing = sub.add_parser("list", help="list a person's shares")
        listing.add_argument("--person", type=int, required=True)

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        actor = Actor("share-command")
        # An operator at the server's command line: the system's authority, with its reason.
        scope = system_scope("share command")
        if options["action"] == "list":
            for share in GroupShare.objects.filter(person_id=options["person"]).select_related(
                "controller"
            ):
                self.stdout.write(f"{share.pk}\t{share.controller.code}\t{share.purpose}")
            return
        try:
            if options["action"] == "revoke":
                share = GroupShare.objects.filter(pk=options["id"]).select_related("person").first()
                if share is None:
                    raise CommandError(f"no share with id {options['id']}")
                group_share_revoke(actor=actor, share=share, scope=scope)
                self.stdout.write(f"share {options['id']} ended")
                return
            person = Person.objects.filter(pk=options["person"]).first()
            if person is None:
                raise CommandError(f"no person with id {options['person']}")
            controller = Controller.objects.filter(code=options["controller"]).first()
            if controller is None:
                raise CommandError(f"no group company with code {options['controller']!r}")
            share = group_share_create(
                actor=actor,
                person=person,
                controller=controller,
                purpose=options["purpose"],
                scope=scope,
            )
        except ProcessingRefused as exc:
            raise CommandError(str(exc.reason)) from exc
        self.stdout.write(
            f"share {share.pk}: person {person.pk} → {controller.code} for {options['purpose']}"
        )
