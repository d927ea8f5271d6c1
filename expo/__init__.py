"""The project package and the core app: editions, sectors, clusters, trade bodies, accounts."""

from .celery import app as celery_app

__all__ = ("celery_app",)
