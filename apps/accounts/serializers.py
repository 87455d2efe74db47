"""What the accounts API reads and writes. Passwords are write-only; token digests never leave."""

from __future__ import annotations

from rest_framework import serializers

from apps.accounts.models import Privilege, Role, User
from apps.accounts.rights import Right
from apps.core.models import Log, Setting
from apps.core.serializers import (
    BASE_FIELDS,
    BASE_READ_ONLY,
    InputSerializer,
    PlatformSerializer,
)


class UserSerializer(PlatformSerializer):
    roles: serializers.SlugRelatedField[Role] = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "id", "username", "email", "first_name", "last_name", "is_active", "is_superuser",
            "roles", "date_joined", "last_login", "lastupdated",
        ]
        read_only_fields = ["id", "is_active", "is_superuser", "date_joined", "last_login", "lastupdated"]


class UserCreateSerializer(UserSerializer):
    password = serializers.CharField(
        write_only=True, max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "password"]


class PasswordSerializer(InputSerializer):
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    current_password = serializers.CharField(
        max_length=128, trim_whitespace=False, required=False, style={"input_type": "password"},
        help_text="Your current password: required to change your own.",
    )


class OwnPasswordSerializer(InputSerializer):
    current_password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class RightSerializer(InputSerializer):
    right = serializers.ChoiceField(choices=Right.choices)


class RoleNameSerializer(InputSerializer):
    role = serializers.SlugRelatedField(slug_field="name", queryset=Role.objects.all())


class RightExplainedSerializer(serializers.Serializer):
    right = serializers.CharField()
    sources = serializers.ListField(
        child=serializers.CharField(), help_text='"direct", "role:<name>" or "revoked".'
    )
    effective = serializers.BooleanField(help_text="Whether the user holds the right now.")


class RightsSerializer(InputSerializer):
    rights = serializers.ListField(
        child=serializers.CharField(max_length=40), allow_empty=False, max_length=len(Right.values),
        help_text="The rights to act on, e.g. [\"ADD_PROCESSOR\", \"LS_PROCESSORS\"]: all of them or none.")


class BulkResultSerializer(serializers.Serializer):
    operation = serializers.CharField()
    changed = serializers.ListField(child=serializers.CharField(), help_text="Rights this request changed.")
    unchanged = serializers.ListField(
        child=serializers.CharField(), help_text="Rights that were already as asked (granted, absent, revoked).")


class UserBulkResultSerializer(BulkResultSerializer):
    rights = RightExplainedSerializer(many=True, help_text="The user's rights after the change.")


class RoleBulkResultSerializer(BulkResultSerializer):
    privileges = serializers.ListField(child=serializers.CharField(), help_text="The role's rights after the change.")


class RightInfoSerializer(serializers.Serializer):
    right = serializers.CharField()
    object = serializers.CharField()
    description = serializers.CharField()


class RightGroupSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The object the rights act on, e.g. PROCESSOR.")
    title = serializers.CharField(source="label", help_text="How the admin pages name the group.")
    rights = RightInfoSerializer(many=True)


class RoleSerializer(PlatformSerializer):
    privileges: serializers.SlugRelatedField[Privilege] = serializers.SlugRelatedField(
        slug_field="right", many=True, read_only=True)

    class Meta:
        model = Role
        fields = [*BASE_FIELDS, "privileges"]
        read_only_fields = BASE_READ_ONLY


class PrivilegeSerializer(PlatformSerializer):
    class Meta:
        model = Privilege
        fields = [*BASE_FIELDS, "right"]
        read_only_fields = fields


class TokenRequestSerializer(InputSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    name = serializers.CharField(max_length=100, required=False, default="cli", help_text="Tells tokens apart.")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Bearer <token>`. Shown once.")
    username = serializers.CharField()


class WhoamiSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    username = serializers.CharField()
    email = serializers.CharField(allow_null=True)
    is_superuser = serializers.BooleanField()
    rights = serializers.ListField(child=serializers.CharField())


class LogSerializer(PlatformSerializer):
    class Meta:
        model = Log
        fields = ["id", "user", "public", "created", "oid", "discriminator", "text", "source"]
        read_only_fields = fields


class SettingSerializer(PlatformSerializer):
    class Meta:
        model = Setting
        fields = [*BASE_FIELDS, "value"]
        read_only_fields = BASE_READ_ONLY
