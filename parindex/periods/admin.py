from django.contrib import admin

from parindex.periods.models import AssessmentPeriod, DeadlineExtension, PublishedResult, UnitGroup


@admin.register(AssessmentPeriod)
class AssessmentPeriodAdmin(admin.ModelAdmin):
    list_display = ("year", "name", "status", "self_assessment_closes")


@admin.register(UnitGroup)
class UnitGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "period", "framework")
    filter_horizontal = ("units",)


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(admin.ModelAdmin):
    list_display = ("unit", "period", "closes_at", "granted_by")


@admin.register(PublishedResult)
class PublishedResultAdmin(admin.ModelAdmin):
    list_display = ("unit", "period", "group", "index", "rank", "class_label")
    list_filter = ("period", "group")
