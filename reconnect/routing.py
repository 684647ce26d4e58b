"""WebSocket routes. The messaging issue adds live messages and notifications here."""

websocket_urlpatterns = []
