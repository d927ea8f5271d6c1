from django.urls import path  # noqa: F401 - the patterns of this area are added here

urlpatterns: list = []
