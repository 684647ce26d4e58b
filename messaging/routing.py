"""WebSocket routes of messaging, found by reconnect/routing.py through the app registry."""

from django.urls import path

from messaging.consumers import MessagingLiveConsumer

websocket_urlpatterns = [
    # The one live socket of every signed-in page: the header's counters, and the open conversation.
    path("ws/live/", MessagingLiveConsumer.as_asgi(), name="live"),
]
