app_name = "toolbox"

urlpatterns = []
