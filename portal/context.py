"""What every page's navigation needs to know about the user (links they may follow)."""

from django.utils.functional import SimpleLazyObject


def navigation(request):
    user = request.user

    def desk():
        from applications.access import is_staff_member

        return is_staff_member(user)

    def dashboard():
        from portal.dashboard.stats import may_read

        return user.is_authenticated and may_read(user)

    from portal.accounts.oidc import enabled

    return {
        "nav_desk": SimpleLazyObject(desk),
        "nav_dashboard": SimpleLazyObject(dashboard),
        "oidc_enabled": enabled(),
    }
