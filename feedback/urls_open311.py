"""Routes filled in by the feedback feature."""

urlpatterns: list = []
