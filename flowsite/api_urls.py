"""The one API router. Each app contributes its viewsets through ``register_routes``: an app
registers the prefixes of its own resources, once each, and an app above adds its verbs to
them with ``router.extend`` (apps.core.routers). ``GET /api/`` lists every resource: the
router's, and the lists of the live and monitor views.

Every view here declares the right each of its actions needs (``rights``, enforced by
apps.accounts.permissions.HasRight); tests/api/test_rights_declared.py walks them all.
"""

from django.urls import URLPattern, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.renderers import JSONRenderer
from rest_framework.routers import APIRootView
from rest_framework.views import APIView

from apps.accounts.api import register_routes as accounts_routes
from apps.accounts.permissions import AUTHENTICATED, PUBLIC, HasRight
from apps.calls.api import register_routes as calls_routes
from apps.core.errors import NotFound
from apps.core.routers import PlatformRouter
from apps.engine.api import register_routes as engine_routes
from apps.engine.monitor.api import urlpatterns as monitor_urls
from apps.flows.api import register_routes as flows_routes
from apps.live.api import urlpatterns as live_urls
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
    """Any other address under /api/ ending in a slash: a JSON 404, not the HTML page. Not a
    resource: the schema leaves it out."""

    schema = None
    permission_classes = [HasRight]
    renderer_classes = [JSONRenderer]
    rights = dict.fromkeys(("get", "post", "put", "patch", "delete"), PUBLIC)

    def _not_found(self, request, *args, **kwargs):
        raise NotFound("No such object.")

    get = post = put = patch = delete = _not_found


def _lists(prefix: str, patterns: list[URLPattern]) -> dict[str, str]:
    """The views of ``patterns`` that take no argument, keyed as ``GET /api/`` shows them."""
    return {f"{prefix}/{str(p.pattern).rstrip('/')}": str(p.name) for p in patterns if "<" not in str(p.pattern)}


class Router(PlatformRouter):
    APIRootView = RootView

    def get_api_root_view(self, api_urls=None):
        """DefaultRouter's listing (each prefix's collection: list or create), the GET actions
        of a resource that has no collection (``auth/whoami``), and the lists of the live and
        monitor views."""
        listed: dict[str, str] = {}
        for prefix, viewset, basename in self.registry:
            if hasattr(viewset, "list") or hasattr(viewset, "create"):
                listed[prefix] = self.routes[0].name.format(basename=basename)
                continue
            for extra in viewset.get_extra_actions():
                if not extra.detail and "get" in extra.mapping:
                    listed[f"{prefix}/{extra.url_path}"] = f"{basename}-{extra.url_name}"
        return self.APIRootView.as_view(
            api_root_dict={**listed, **_lists("live", live_urls), **_lists("monitor", monitor_urls)})


router = Router()
accounts_routes(router)
network_routes(router)
processors_routes(router)
flows_routes(router)
calls_routes(router)
engine_routes(router)

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("live/", include("apps.live.api")),
    path("monitor/", include("apps.engine.monitor.api")),
    *router.urls,
    re_path(r"^.*/$", NotFoundView.as_view()),
]
