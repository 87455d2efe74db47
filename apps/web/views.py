"""The app shell: server-rendered pages that host the front end's screens."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from apps.accounts.rights import Right
from apps.calls.selectors import header_counts
from apps.web import selectors
from apps.web.forms import RateLimitedAuthenticationForm
from apps.web.page_actions import page_require


class LoginView(auth_views.LoginView):
    """The log-in page, rate-limited like the token endpoint (429 after too many failures)."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True
    authentication_form = RateLimitedAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.rate_limited:
            response.status_code = 429
        return response


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def dashboard(request):
    return render(request, "web/dashboard.html", {"area": "dashboard", "counts": header_counts()})


@login_required
def designer(request):
    page_require(request, Right.LS_FLOWS)
    return render(request, "web/designer.html", {"area": "designer", "flows": selectors.flow_list()})


@login_required
def network(request):
    page_require(request, Right.LS_NODES)
    return render(request, "web/network.html", {"area": "network", "nodes": selectors.node_list()})


@login_required
def calls(request):
    page_require(request, Right.LS_CALLS)
    return render(request, "web/calls.html", {"area": "calls", "calls": selectors.recent_calls()})
