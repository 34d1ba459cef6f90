from django.contrib import admin

from parindex.apitokens.models import ApiAccessLog, ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "expires_at", "revoked_at"]
    list_filter = ["read_only"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = ["secret_hash", "prefix", "last_used_at", "uses"]


@admin.register(ApiAccessLog)
class ApiAccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "token", "method", "path", "status"]
    list_filter = ["method", "status"]
