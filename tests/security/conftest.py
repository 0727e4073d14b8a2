import pytest

from procedures.models import Procedure


@pytest.fixture
def procedure(demo):
    """A procedure counted in working days, as the applications tests use."""
    return (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )
