"""The public look-up's API answer, written from plain values (issue 10), is the schema's
`LookupOutput` to the byte, in each language and with or without a due moment."""

import pytest
from django.utils import translation

from applications.api.lookup import LookupOutput, lookup_answer
from applications.models import Dossier
from tests.factories import DossierFactory


@pytest.mark.parametrize("trait", ["submitted", "received", "awaiting_supplement", "resolved"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_plain_answer_is_the_serializers(db, trait, language):
    made = DossierFactory(**{trait: True})
    dossier = Dossier.objects.select_related("procedure_version", "handling_unit").get(pk=made.pk)
    with translation.override(language):
        assert lookup_answer(dossier) == dict(LookupOutput(dossier).data)
