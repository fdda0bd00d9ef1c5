from django.urls import path

from vinculo.reference import views

app_name = "reference"
urlpatterns = [
    path("", views.occupations, name="occupations"),
    path("suggest/", views.occupation_suggest, name="occupation_suggest"),
]
