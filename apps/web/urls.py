from django.urls import path

from apps.web import account_views, admin_views, processor_list, processor_views, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("", views.dashboard, name="dashboard"),
    path("account/", account_views.account, name="account"),
    path("designer/", views.designer, name="designer"),
    path("network/", views.network, name="network"),
    path("calls/", views.calls, name="calls"),
    path("admin/", admin_views.users, name="admin-area"),
    path("admin/users/<uuid:user_id>/", admin_views.user_detail, name="admin-user"),
    path("admin/roles/", admin_views.roles, name="admin-roles"),
    path("admin/roles/<uuid:role_id>/", admin_views.role_detail, name="admin-role"),
    path("admin/repositories/", admin_views.repositories, name="admin-repositories"),
    path("processors/", processor_list.processors, name="processors"),
    path("processors/<uuid:processor_id>/", processor_views.processor_detail, name="processor-detail"),
]
