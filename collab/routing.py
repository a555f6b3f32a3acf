from channels.routing import URLRouter
from django.urls import path

from realtime.auth import WebsocketAuthMiddleware
from realtime.consumer import RealtimeConsumer

websocket_application = WebsocketAuthMiddleware(
    URLRouter([path("ws/", RealtimeConsumer.as_asgi())])
)
