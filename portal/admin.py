from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from portal.models import StaffRole, User


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(User)
class MotCuaUserAdmin(UserAdmin):
    inlines = [StaffRoleInline]
    fieldsets = (*UserAdmin.fieldsets, ("MotCua", {"fields": ("phone", "preferred_language")}))
    list_display = ("username", "first_name", "last_name", "email", "is_staff")
