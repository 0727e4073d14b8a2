"""Queue tickets under /desk/: the public kiosk and display of a unit, the clerk's counter."""

from django.urls import path

from applications.views import announce as views_announce
from applications.views import tickets as views

urlpatterns = [
    path("kiosk/<str:unit_code>/", views.kiosk, name="kiosk"),
    path("kiosk/<str:unit_code>/ticket/<int:pk>/", views.kiosk_ticket, name="kiosk_ticket"),
    path("display/<str:unit_code>/", views.display, name="display"),
    path(
        "display/<str:unit_code>/goi/<int:number>-<int:counter>.wav",
        views_announce.call_audio,
        name="display_call_audio",
    ),
    path("counter/", views.counters, name="counters"),
    path("counter/<int:pk>/", views.counter, name="counter"),
    path("counter/<int:pk>/call/", views.counter_call, name="counter_call"),
    path("counter/<int:pk>/open/", views.counter_open, name="counter_open"),
    path(
        "counter/<int:pk>/ticket/<int:ticket_pk>/<slug:action>/",
        views.counter_act,
        name="counter_act",
    ),
]
