from django.http import HttpRequest, HttpResponse


def my_spaces(request: HttpRequest) -> HttpResponse:
    return HttpResponse("todo")


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    return HttpResponse("todo")
