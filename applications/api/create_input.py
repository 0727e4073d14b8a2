"""The body of `POST /api/v1/dossiers/`: a citizen's online submission or the desk's reception."""

from rest_framework import serializers

from applications import services
from applications.models import Channel
from portal.core.api import MomentField


class DossierCreateInput(serializers.Serializer):
    procedure = serializers.CharField()
    unit = serializers.CharField()
    handling_unit = serializers.CharField(required=False, allow_blank=True)
    applicant_name = serializers.CharField(max_length=200)
    applicant_id_number = serializers.CharField(max_length=12, required=False, allow_blank=True)
    applicant_phone = serializers.CharField(max_length=15, required=False, allow_blank=True)
    applicant_email = serializers.EmailField(required=False, allow_blank=True)
    applicant_address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.ONLINE)
    submission_key = serializers.CharField(max_length=64, required=False, allow_blank=True)
    checked_documents = serializers.ListField(child=serializers.IntegerField(), required=False)
    conditions = serializers.ListField(  # issue 11: conditional documents stated to apply
        child=serializers.IntegerField(), required=False, max_length=50
    )
    due_at = MomentField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    sets = serializers.IntegerField(  # forms 01 and 07: the sets (bộ) of papers received
        required=False, min_value=1, max_value=services.MAX_SETS, help_text="Default 1."
    )
