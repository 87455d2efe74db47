from django.contrib import admin
from django.urls import include, path

from apps.web.forms import RateLimitedAdminAuthenticationForm

# The Django admin's log-in counts failures like /login/ and the token endpoint.
admin.site.login_form = RateLimitedAdminAuthenticationForm

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("api/", include("flowsite.api_urls")),
    path("", include("apps.web.urls")),
]
