"""The kernel split (issue 9) moved modules, not data: what the database, the broker and the
settings know by name still resolves."""

import pytest
from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string

from portal.celery import app as celery_app


@pytest.mark.parametrize(
    ("label", "table"),
    [
        ("portal.User", "portal_user"),
        ("portal.StaffRole", "portal_staffrole"),
        ("portal.ExternalIdentity", "portal_externalidentity"),
        ("portal.Notification", "portal_notification"),
    ],
)
def test_kernel_models_keep_their_app_label_and_table(label, table):
    model = apps.get_model(label)
    assert model._meta.db_table == table


def test_the_user_model_setting_still_names_the_kernels_user():
    assert settings.AUTH_USER_MODEL == "portal.User"
    assert apps.get_model(settings.AUTH_USER_MODEL).__module__ == "portal.accounts.models"


def test_queued_task_names_are_unchanged_and_the_beat_schedule_resolves():
    celery_app.loader.import_default_modules()
    assert "portal.tasks.send_notification" in celery_app.tasks
    assert "portal.tasks.requeue_pending_notifications" in celery_app.tasks
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in celery_app.tasks


def test_dotted_names_in_settings_import():
    names = [
        *settings.MIDDLEWARE,
        *settings.AUTHENTICATION_BACKENDS,
        *settings.REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"],
        settings.REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"],
        settings.REST_FRAMEWORK["EXCEPTION_HANDLER"],
        *settings.SPECTACULAR_SETTINGS.get("POSTPROCESSING_HOOKS", []),
        settings.AXES_HANDLER,
        settings.AXES_CLIENT_IP_CALLABLE,
        settings.AXES_USERNAME_CALLABLE,
        settings.AXES_LOCKOUT_CALLABLE,
        settings.AXES_CLIENT_STR_CALLABLE,
        settings.WSGI_APPLICATION,
    ]
    for name in names:
        assert import_string(name) is not None, name
