"""URLs of the portal. Pages for people are under a language-neutral path; the language is kept in a cookie."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "SME Cluster Expo Portal"
admin.site.site_title = "SME Cluster Expo"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("language/<str:code>/", views.language_switch, name="language_switch"),
    path("accounts/", include("allauth.urls")),
    path("admin/login/", views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("", include("api.urls")),
    path("", include("exhibitors.urls")),
    path("", include("pavilions.urls")),
    path("", include("visitors.urls")),
    path("", include("programme.urls")),
    path("", include("matchmaking.urls")),
    path("", include("awards.urls")),
    path("", include("opendata.urls")),
    path("", include("insights.urls")),
    path("", include("support.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
