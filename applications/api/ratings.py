"""`POST /api/v1/dossiers/{code}/rating/` (DESIGN.md): the applicant's rating on the national
satisfaction scheme. Thin: the service is `applications.services.ratings_national`."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import selectors
from applications.models.satisfaction import CRITERIA, SCORES, Band
from applications.services.ratings_national import COMMENT, national_rating_submit
from portal.core.api import error_responses

# The nine criteria of the national scheme, each 0, 1 or 2.
CriteriaInput = type(
    "NationalRatingCriteria",
    (serializers.Serializer,),
    {
        key: serializers.ChoiceField(choices=SCORES, help_text=str(question))
        for key, question in CRITERIA.items()
    },
)


class NationalRatingInput(serializers.Serializer):
    criteria = CriteriaInput()
    comment = serializers.CharField(required=False, allow_blank=True, max_length=COMMENT)


class NationalRatingOutput(serializers.Serializer):
    score = serializers.IntegerField(help_text="Of 18.")
    band = serializers.ChoiceField(choices=Band.choices)


class DossierNationalRating(APIView):
    """The applicant, once, after the result: 201 `{"score", "band"}`; 404 for anyone else;
    400 `rating_not_allowed` before the result or a second time, `invalid_rating` for scores
    outside the scheme."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="v1_dossiers_rating",
        request=NationalRatingInput,
        responses={201: NationalRatingOutput, **error_responses()},
    )
    def post(self, request, code):
        # 404 first: the body of a request on a dossier the user may not see is never read.
        dossier = selectors.dossier_get(user=request.user, code=code)
        data = request.data if hasattr(request.data, "get") else {}
        rating = national_rating_submit(
            dossier=dossier,
            user=request.user,
            criteria=data.get("criteria"),
            comment=data.get("comment", ""),
        )
        return Response(NationalRatingOutput(rating).data, status=status.HTTP_201_CREATED)
