from django.contrib import admin

from parindex.criteria.models import CriterionNode, Framework


class NodeInline(admin.TabularInline):
    model = CriterionNode
    extra = 0
    fields = ("position", "code", "parent_code", "title", "max_points", "rule", "source")


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "year", "unit_group", "status")
    list_filter = ("status", "year")
    inlines = [NodeInline]
