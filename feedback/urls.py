"""Report pages at the site root: residents under phan-anh/, the ward's staff under
phan-anh/quan-ly/ (the /desk/ URLs belong to the dossier desk)."""

from django.urls import path

from feedback import map_views, views

app_name = "feedback"

urlpatterns = [
    path("phan-anh/", views.report_new, name="new"),
    path("phan-anh/ban-do/", map_views.public_map, name="map"),
    path("phan-anh/gan-day.json", map_views.nearby_json, name="nearby"),
    path("phan-anh/ranh-gioi.json", map_views.ward_areas_json, name="areas"),
    path("phan-anh/theo-doi/", views.follow_lookup, name="lookup"),
    path("phan-anh/quan-ly/", views.staff_list, name="staff_list"),
    path("phan-anh/quan-ly/<str:code>/", views.staff_report, name="staff_report"),
    path("phan-anh/quan-ly/<str:code>/anh/<int:pk>/", views.staff_photo, name="staff_photo"),
    path("phan-anh/quan-ly/<str:code>/<str:action>/", views.staff_action, name="staff_action"),
    path("phan-anh/<str:code>/", views.follow, name="follow"),
    path("phan-anh/<str:code>/da-gui/", views.report_done, name="done"),
]
