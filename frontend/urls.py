from django.contrib.auth import views as auth_views
from django.urls import path

from frontend import views

urlpatterns = [
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.my_spaces, name="my-spaces"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept-invitation"),
]
