from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from parindex.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "role", "unit", "is_active", "is_demo")
    list_filter = ("role", "is_active", "is_demo")
    search_fields = ("username", "full_name", "email")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("parindex", {"fields": ("full_name", "role", "unit", "phone", "is_demo")}),
    )
