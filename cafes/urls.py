app_name = "cafes"

urlpatterns = []
