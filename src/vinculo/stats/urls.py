from django.urls import path

from vinculo.stats import views

app_name = "stats"
urlpatterns = [path("regional/", views.regional, name="regional")]
