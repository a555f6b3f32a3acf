from django.contrib.auth import views as auth_views
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import include, path

from frontend import views
from frontend.views import calendar_feed as calendar_feed_views
from frontend.views import meetings as meeting_views

urlpatterns = [
    path("connexion/", auth_views.LoginView.as_view(template_name="frontend/login.html",
                                                    redirect_authenticated_user=True),
         name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.my_spaces, name="my-spaces"),
    path("espaces/<slug:slug>/", views.space, name="space"),
    path("espaces/<slug:slug>/fils/<int:thread_id>/", views.thread, name="thread"),
    path("espaces/<slug:slug>/fils/<int:thread_id>/renommer/", views.rename_thread,
         name="thread-rename"),
    path("espaces/<slug:slug>/fils/<int:thread_id>/epingler/", views.pin_thread,
         name="thread-pin"),
    path("espaces/<slug:slug>/fils/<int:thread_id>/verrouiller/", views.lock_thread,
         name="thread-lock"),
    path("espaces/<slug:slug>/fils/<int:thread_id>/lu/", views.mark_thread_read,
         name="thread-read"),
    path("espaces/<slug:slug>/messages/<int:message_id>/modifier/", views.edit_message,
         name="message-edit"),
    path("espaces/<slug:slug>/messages/<int:message_id>/supprimer/", views.delete_message,
         name="message-delete"),
    path("espaces/<slug:slug>/messages/<int:message_id>/reagir/", views.react,
         name="message-react"),
    path("espaces/<slug:slug>/messages/<int:message_id>/historique/", views.message_history,
         name="message-history"),
    path("espaces/<slug:slug>/membres/", views.members, name="members"),
    path("espaces/<slug:slug>/membres/<int:user_id>/role/", views.change_role,
         name="change-role"),
    path("espaces/<slug:slug>/membres/<int:user_id>/retirer/", views.remove_member,
         name="remove-member"),
    path("espaces/<slug:slug>/quitter/", views.leave_space, name="leave-space"),
    path("espaces/<slug:slug>/rencontres/", meeting_views.meetings, name="meetings"),
    path("espaces/<slug:slug>/rencontres/planifier/", meeting_views.schedule,
         name="meeting-schedule"),
    path("espaces/<slug:slug>/rencontres/<int:meeting_id>/", meeting_views.meeting,
         name="meeting"),
    path("espaces/<slug:slug>/rencontres/<int:meeting_id>/modifier/", meeting_views.edit,
         name="meeting-edit"),
    path("espaces/<slug:slug>/rencontres/<int:meeting_id>/annuler/", meeting_views.cancel,
         name="meeting-cancel"),
    path("espaces/<slug:slug>/rencontres/<int:meeting_id>/reponse/", meeting_views.answer,
         name="meeting-answer"),
    path("espaces/<slug:slug>/rencontres/<int:meeting_id>/presences/",
         meeting_views.attendance, name="meeting-attendance"),
    path("espaces/<slug:slug>/rencontres/<int:meeting_id>/rencontre.ics",
         meeting_views.download_ics, name="meeting-ics"),
    path("agenda/", calendar_feed_views.feed_page, name="calendar-feed-page"),
    path("agenda/<str:token>.ics", calendar_feed_views.feed, name="calendar-feed"),
    path("recherche/", views.search, name="search"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept-invitation"),
    path("", include("reports.urls")),
    path("", include("meetings.poll_urls")),
    # Pages reached from emails: join-back links, preferences, unsubscribe (emails/urls.py).
    path("courriel/", include("emails.urls")),
]

# Only with DEBUG (development and the end-to-end tests' daphne); production serves /static/
# from the reverse proxy.
urlpatterns += staticfiles_urlpatterns()
