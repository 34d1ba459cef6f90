from django.contrib import admin

from parindex.units.models import Unit, UnitLineage, UnitType


@admin.register(UnitType)
class UnitTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "position")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit_type", "parent", "valid_from", "valid_to")
    list_filter = ("unit_type",)
    search_fields = ("code", "name")


@admin.register(UnitLineage)
class UnitLineageAdmin(admin.ModelAdmin):
    list_display = ("predecessor", "kind", "successor", "effective_date", "is_primary")
    list_filter = ("kind",)
