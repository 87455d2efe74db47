"""The OpenAPI schema: every operation documents the errors it can answer with."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from apps.core.serializers import ErrorSerializer

ERRORS = {
    "400": "The input is not valid; `detail` holds field-level messages.",
    "401": "Not authenticated: log in or send `Authorization: Bearer <token>`.",
    "403": "Authenticated, but without the right this operation needs.",
    "404": "No such object.",
    "406": "The Accept header asks only for types the API cannot answer with (it answers application/json).",
    "409": "Conflict: the name is taken, or other objects still refer to this one.",
    "413": "The body is over the upload limit (UPLOAD_MAX_BYTES); the message names it.",
}
READ_ERRORS = ("400", "401", "403", "404", "406")


class PlatformAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = READ_ERRORS if self.method in ("GET", "HEAD", "OPTIONS") else tuple(ERRORS)
        for code in codes:
            if code not in responses:
                response = OpenApiResponse(ErrorSerializer, description=ERRORS[code])
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses
