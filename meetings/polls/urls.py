from django.urls import path

from meetings.polls import views

urlpatterns = [
    path("espaces/<slug:slug>/sondages/", views.poll_list, name="polls"),
    path("espaces/<slug:slug>/sondages/nouveau/", views.poll_create, name="poll-create"),
    path("espaces/<slug:slug>/sondages/<int:poll_id>/", views.poll_detail, name="poll"),
    path("espaces/<slug:slug>/sondages/<int:poll_id>/rappel/", views.poll_remind,
         name="poll-remind"),
    path("espaces/<slug:slug>/sondages/<int:poll_id>/choisir/", views.poll_pick,
         name="poll-pick"),
    path("espaces/<slug:slug>/sondages/<int:poll_id>/fermer/", views.poll_close,
         name="poll-close"),
]
