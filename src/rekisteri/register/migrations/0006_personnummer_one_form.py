"""A Swedish personnummer stored in its 12-digit form (19811228-9874) gets the 10-digit form
(811228-9874) that the same number typed with ten digits has, so a look-up by code finds the
person whichever form was typed. Codes are encrypted: each is decrypted, normalised, and
encrypted, hashed and masked again."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def one_form(apps: Any, schema_editor: Any) -> None:
    from rekisteri.common.crypto import decrypt_field, encrypt_field
    from rekisteri.register.services import identity_code_hash
    from rekisteri.register.validators import mask_identity_code, normalise_identity_code

    IdentityCode = apps.get_model("register", "IdentityCode")
    for code in IdentityCode.objects.filter(country="SE").iterator():
        value = decrypt_field(code.encrypted)
        if len(value) <= 11:
            continue
        value = normalise_identity_code(value, "SE")
        code.encrypted = encrypt_field(value)
        code.lookup_hash = identity_code_hash(value)
        code.masked = mask_identity_code(value)
        code.save(update_fields=["encrypted", "lookup_hash", "masked"])


class Migration(migrations.Migration):
    dependencies = [("register", "0005_purposes_recorded_whole")]

    operations = [migrations.RunPython(one_form, migrations.RunPython.noop)]
