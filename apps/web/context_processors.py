from apps.accounts.selectors import user_has_right


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    return {"can_admin": bool(user and user.is_authenticated and user_has_right(user, "LS_USERS"))}
