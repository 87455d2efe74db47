from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from apps.accounts.models import (
    ApiToken,
    Privilege,
    RevokedPrivilege,
    Role,
    RolePrivilege,
    User,
    UserPrivilege,
    UserRole,
)
from apps.core.admin_site import register_base


class UserRoleInline(admin.TabularInline):
    model = UserRole
    fk_name = "user"
    extra = 0


class UserPrivilegeInline(admin.TabularInline):
    model = UserPrivilege
    fk_name = "user"
    extra = 0


class RevokedPrivilegeInline(admin.TabularInline):
    model = RevokedPrivilege
    fk_name = "user"
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [UserRoleInline, UserPrivilegeInline, RevokedPrivilegeInline]
    list_display = ("username", "email", "is_active", "is_superuser", "status", "last_login")


class RolePrivilegeInline(admin.TabularInline):
    model = RolePrivilege
    fk_name = "role"
    extra = 0


register_base(Privilege)


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    inlines = [RolePrivilegeInline]
    list_display = ("name", "enabled", "lastupdated")
    search_fields = ("name",)


@admin.register(UserRole, UserPrivilege, RevokedPrivilege, RolePrivilege)
class GrantAdmin(admin.ModelAdmin):
    list_display = ("__str__", "by", "created")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created", "last_used", "revoked")
    readonly_fields = ("digest", "prefix", "created", "last_used")
