from django.urls import path

from emails import views

app_name = "emails"

urlpatterns = [
    path("lien/<str:token>/", views.join, name="join"),
    path("lien/<str:token>/nouveau/", views.fresh_link, name="fresh-link"),
    path("preferences/", views.preferences_page, name="preferences"),
    path("desabonnement/<str:token>/", views.unsubscribe_page, name="unsubscribe"),
]
