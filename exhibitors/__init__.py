"""Enterprises, nominations by trade bodies, reviews and exhibitors."""
