"""The snapshot is made from the typed catalogue a load stored, never from the file again."""

import importlib

import pytest
from django.apps import apps

from rekisteri.catalogue.models import CatalogueVersion
from rekisteri.catalogue.selectors import (
    CatalogueUnreadable,
    catalogue_snapshot,
    forget_snapshot,
)
from rekisteri.catalogue.tests.test_migrate import FIRST_FORMAT
from rekisteri.testing.fixtures import DEMO_CATALOGUE


def test_the_snapshot_reads_the_stored_typed_catalogue_not_the_source(catalogue):
    version = CatalogueVersion.objects.get()
    assert version.document["version"] == "2026-11-01"
    # Were the source read again, this would change nothing; the snapshot is the document.
    CatalogueVersion.objects.filter(pk=version.pk).update(source_text="not toml at all [[")
    forget_snapshot(version.pk)
    snap = catalogue_snapshot()
    assert snap.purposes["customer_management"].legal_basis == "contract"
    assert [e.basis for e in snap.purposes["customer_management"].legal_bases] == [
        "contract",
        "legitimate_interest",
    ]
    (billing,) = snap.retention["billing"]
    assert billing.while_any == ("has_open_relationship",) and billing.period_years == 10
    assert billing.category.code == "billing"
    assert snap.recipients["it_hosting"].functions == ("it", "hosting")
    assert snap.notice.effective_date.isoformat() == "2026-11-01"
    assert snap.authorities["SE"].url == "https://www.imy.se"


def test_a_version_without_its_typed_form_is_an_error_not_an_empty_catalogue(catalogue):
    version = CatalogueVersion.objects.get()
    CatalogueVersion.objects.filter(pk=version.pk).update(document=None)
    forget_snapshot(version.pk)
    with pytest.raises(CatalogueUnreadable):
        catalogue_snapshot()


@pytest.mark.parametrize("source", [DEMO_CATALOGUE, FIRST_FORMAT])
def test_the_data_migration_gives_earlier_versions_their_typed_form(db, source):
    version = CatalogueVersion.objects.create(
        version="old",
        sha256="x",
        source_name="old",
        source_text=source.read_text(encoding="utf-8"),
        loaded_by="t",
    )
    migration = importlib.import_module(
        "rekisteri.catalogue.migrations.0004_typed_catalogue_documents"
    )
    migration.documents(apps, None)
    version.refresh_from_db()
    snap = catalogue_snapshot(version.pk)
    assert "rights_handling" in snap.purposes
    assert snap.purposes["rights_handling"].capabilities >= {"handle_rights_requests"}
