from django.contrib import admin
from django.urls import include, path

from collab.api import api
from collab.health import CoreReadinessView, LivenessView, ReadinessView
from collab.metrics import metrics_view

urlpatterns = [
    path("healthz", LivenessView.as_view(), name="healthz"),
    path("readyz", ReadinessView.as_view(), name="readyz"),
    path("readyz/core", CoreReadinessView.as_view(), name="readyz-core"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("frontend.urls")),
]

# A member opening a page reserved to the facilitators of their space gets a page that says
# so, with the space's navigation around it.
handler403 = "frontend.views.refusals.permission_denied"
