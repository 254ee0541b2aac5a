from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Absence, Agency, Department, User


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    inlines = [DepartmentInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "agency"]
    list_filter = ["agency"]
    search_fields = ["name", "agency__name"]
    list_select_related = ["agency"]


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "full_name", "agency", "department", "role", "is_active"]
    list_filter = ["role", "agency", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    list_select_related = ["agency", "department"]
    autocomplete_fields = ["agency"]
    fieldsets = UserAdmin.fieldsets + (
        ("Công tác", {"fields": ("full_name", "agency", "department", "role", "title", "phone")}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        ("Công tác", {"fields": ("full_name", "agency", "department", "role")}),
    )


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["user", "substitute", "starts_on", "ends_on", "reason"]
    list_select_related = ["user", "substitute"]
    autocomplete_fields = ["user", "substitute"]
    date_hierarchy = "starts_on"
