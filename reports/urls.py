from django.urls import path

from reports import views

urlpatterns = [
    path("espaces/<slug:slug>/rapport/", views.space_report, name="space-report"),
    path("espaces/<slug:slug>/rapport/csv/", views.space_report_csv, name="space-report-csv"),
    path("rapport/", views.all_spaces_report, name="all-spaces-report"),
    path("rapport/csv/", views.all_spaces_report_csv, name="all-spaces-report-csv"),
]
