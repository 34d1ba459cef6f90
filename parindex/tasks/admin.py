from django.contrib import admin

from parindex.tasks.models import Task, TaskEvidence, TaskUpdate


class TaskUpdateInline(admin.TabularInline):
    model = TaskUpdate
    extra = 0
    readonly_fields = ("note", "progress", "status", "created_at", "created_by")
    can_delete = False


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    # Changes go through the pages (services audit them); the admin site only reads.
    list_display = ("title", "unit", "deadline", "status", "priority", "progress")
    list_filter = ("status", "priority", "source_kind")
    search_fields = ("title", "unit__name", "document_number")
    inlines = [TaskUpdateInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(TaskEvidence)
class TaskEvidenceAdmin(admin.ModelAdmin):
    list_display = ("original_name", "task", "size", "uploaded_at")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
