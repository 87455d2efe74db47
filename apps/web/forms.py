"""Forms of the admin and processors pages. They validate input; services do the rest."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from apps.accounts.models import Role
from apps.accounts.rights import Right
from apps.accounts.services import login_authenticate
from apps.core.errors import NotAuthenticated, RateLimited
from apps.processors.models import RuleKind, TrustedRepository


class RateLimitedAuthenticationForm(AuthenticationForm):
    """Django's log-in form, authenticating through the rate-limited accounts service."""

    rate_limited = False

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = login_authenticate(request=self.request, username=username, password=password)
            except RateLimited as error:
                self.rate_limited = True
                raise forms.ValidationError(error.message, code="rate_limited") from None
            except NotAuthenticated:
                raise self.get_invalid_login_error() from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class RateLimitedAdminAuthenticationForm(RateLimitedAuthenticationForm, AdminAuthenticationForm):
    """The Django admin's log-in form (staff only), rate-limited like /login/."""


class UserCreateForm(forms.Form):
    username = forms.CharField(max_length=150)
    email = forms.EmailField(required=False)
    password = forms.CharField(max_length=128, strip=False, widget=forms.PasswordInput)


class PasswordForm(forms.Form):
    password = forms.CharField(max_length=128, strip=False, widget=forms.PasswordInput)
    current_password = forms.CharField(max_length=128, strip=False, required=False, widget=forms.PasswordInput)


class OwnPasswordForm(forms.Form):
    current_password = forms.CharField(max_length=128, strip=False, widget=forms.PasswordInput)
    password = forms.CharField(max_length=128, strip=False, widget=forms.PasswordInput, label="New password")


class RightsForm(forms.Form):
    rights = forms.MultipleChoiceField(choices=Right.choices, error_messages={
        "required": "Choose at least one right in the list.",
        "invalid_choice": "%(value)s is not a right."})


class RoleChoiceForm(forms.Form):
    role = forms.ModelChoiceField(queryset=Role.objects.all(), to_field_name="name")


class RoleCreateForm(forms.Form):
    name = forms.CharField(max_length=200)


class ProcessorCreateForm(forms.Form):
    name = forms.CharField(max_length=200)
    gitrepo = forms.CharField(max_length=500, label="Git repository")
    branch = forms.CharField(max_length=200, required=False)
    module = forms.CharField(max_length=200)


class RepositoryCreateForm(forms.Form):
    name = forms.CharField(max_length=200)
    pattern = forms.CharField(max_length=500)
    kind = forms.ChoiceField(choices=RuleKind.choices)


class RepositoryChoiceForm(forms.Form):
    repository = forms.ModelChoiceField(queryset=TrustedRepository.objects.all(), to_field_name="name")
