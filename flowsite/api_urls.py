"""The one API router. Each app contributes its viewsets through ``register_routes``.

Every view here declares the right each of its actions needs (``rights``, enforced by
apps.accounts.permissions.HasRight); tests/api/test_rights_declared.py walks them all.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.renderers import JSONRenderer
from rest_framework.routers import APIRootView, DefaultRouter
from rest_framework.views import APIView

from apps.accounts.api import register_routes as accounts_routes
from apps.accounts.permissions import AUTHENTICATED, PUBLIC, HasRight
from apps.calls.api import register_routes as calls_routes
from apps.calls.provenance_api import register_routes as provenance_routes
from apps.core.errors import NotFound
from apps.engine.api import register_routes as engine_routes
from apps.flows.api import register_routes as flows_routes
from apps.network.api import register_routes as network_routes
from apps.processors.api import register_routes as processors_routes


class RootView(APIRootView):
    """The list of endpoints."""

    permission_classes = [HasRight]
    rights = {"get": AUTHENTICATED}


class SchemaView(SpectacularAPIView):
    permission_classes = [HasRight]
    rights = {"get": PUBLIC}


class DocsView(SpectacularSwaggerView):
    permission_classes = [HasRight]
    rights = {"get": PUBLIC}


class NotFoundView(APIView):
    """Any other address under /api/ ending in a slash: a JSON 404, not the HTML page."""

    permission_classes = [HasRight]
    renderer_classes = [JSONRenderer]
    rights = dict.fromkeys(("get", "post", "put", "patch", "delete"), PUBLIC)

    def _not_found(self, request, *args, **kwargs):
        raise NotFound("No such object.")

    get = post = put = patch = delete = _not_found


class Router(DefaultRouter):
    APIRootView = RootView
    # No ".json" twins of every URL: the API speaks JSON only.
    include_format_suffixes = False

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        # Any id segment reaches the view (DRF's default stops at a dot), and the view
        # answers a JSON 404 for a malformed one.
        lookup_field = getattr(viewset, "lookup_field", "pk")
        kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        value = getattr(viewset, "lookup_value_regex", "[^/]+")
        return f"(?P<{lookup_prefix}{kwarg}>{value})"


router = Router()
accounts_routes(router)
network_routes(router)
processors_routes(router)
flows_routes(router)
calls_routes(router)
engine_routes(router)
provenance_routes(router)

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("live/", include("apps.live.api")),
    path("monitor/", include("apps.engine.monitor.api")),
    *router.urls,
    re_path(r"^.*/$", NotFoundView.as_view()),
]
