from apps.accounts.selectors import user_rights

# The right each page of the main navigation needs to open (apps/web/views.py and friends);
# a link is shown only to who can follow it.
NAV_RIGHTS = {
    "can_designer": ("LS_FLOWS",), "can_network": ("LS_NODES",), "can_calls": ("LS_CALLS",),
    "can_processors": ("LS_PROCESSORS", "ADD_PROCESSOR"), "can_admin": ("LS_USERS",),
}


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    rights = user_rights(user) if user is not None and user.is_authenticated else frozenset()
    return {flag: any(right in rights for right in needs) for flag, needs in NAV_RIGHTS.items()}
