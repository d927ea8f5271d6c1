"""Views of the visitors app, one module per audience, each with its urlpatterns."""
