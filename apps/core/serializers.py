"""The base every API serializer shares: common fields, foreign keys by name, storable input."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import serializers

BASE_FIELDS = ["id", "name", "owner", "status", "requested_status", "enabled", "created", "lastupdated"]
BASE_READ_ONLY = ["id", "owner", "status", "created", "lastupdated"]


MAX_DEPTH = 64


def storable_problem(value: Any, depth: int = 0) -> str | None:
    """Why PostgreSQL cannot store ``value`` (NUL in text, a non-finite number, nesting
    deeper than MAX_DEPTH), or None."""
    if depth > MAX_DEPTH:
        return f"Values may be nested at most {MAX_DEPTH} levels deep."
    if isinstance(value, str):
        return "Text may not contain NUL (\\u0000) characters." if "\x00" in value else None
    if isinstance(value, float):
        return None if math.isfinite(value) else "Numbers must be finite."
    if isinstance(value, Mapping):
        for key, item in value.items():
            problem = storable_problem(key) or storable_problem(item, depth + 1)
            if problem:
                return problem
    if isinstance(value, (list, tuple)):
        for item in value:
            problem = storable_problem(item, depth + 1)
            if problem:
                return problem
    return None


def name_field_of(model: type[models.Model]) -> str | None:
    """The field that names a row uniquely, so foreign keys can be given by name."""
    if model is get_user_model():
        return "username"
    try:
        field = model._meta.get_field("name")
    except FieldDoesNotExist:
        return None
    return "name" if getattr(field, "unique", False) else None


class StorableInput:
    """Input the database cannot store (NUL characters, infinite numbers) is a 400."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for key, value in data.items():
                problem = storable_problem(value)
                if problem:
                    errors[str(key).replace("\x00", "")] = [problem]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class InputSerializer(StorableInput, serializers.Serializer):
    """The body of an action (a password, a right...), not a model."""


class PlatformSerializer(StorableInput, serializers.ModelSerializer):
    """Foreign keys to uniquely named objects are read and written by name; others by id."""

    def build_relational_field(self, field_name, relation_info):
        field_class, kwargs = super().build_relational_field(field_name, relation_info)
        slug_field = name_field_of(relation_info.related_model)
        if slug_field and not relation_info.reverse:
            return serializers.SlugRelatedField, {**kwargs, "slug_field": slug_field}
        return field_class, kwargs


def url_redact(url: str) -> str:
    """A URL with any user:password replaced by ``***`` (broker and backend URLs)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "***"
    if parts.scheme and "@" in parts.netloc:
        host = parts.netloc.rsplit("@", 1)[1]
        return urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment))
    return url


class RedactedUrlField(serializers.CharField):
    """Written in full, shown without credentials."""

    def to_representation(self, value) -> str:
        return url_redact(str(value))


class ErrorSerializer(serializers.Serializer):
    """The body of every error response (see apps.core.errors)."""

    error = serializers.CharField(help_text="A stable code: bad_request, forbidden, conflict...")
    message = serializers.CharField(help_text="A sentence for people.")
    detail = serializers.JSONField(required=False, help_text="Field-level messages, when any.")
