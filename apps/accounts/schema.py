"""How the OpenAPI schema describes the bearer-token authentication."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


# drf-spectacular's extension base is untyped (its __init_subclass__ registers the class).
class TokenAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "apps.accounts.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "An API token: `Bearer ec_...`."}
