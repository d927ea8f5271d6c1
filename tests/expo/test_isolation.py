"""Who may not see what: trade body users outside the admin and outside other trade bodies."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _admin_urls(trade_body):
    urls = [reverse("admin:index"), reverse("admin:expo_tradebody_invite", args=[trade_body.pk])]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls += [reverse("admin:{}_{}_changelist".format(*info)), reverse("admin:{}_{}_add".format(*info))]
    urls.append(reverse("admin:expo_tradebody_change", args=[trade_body.pk]))
    return urls


def test_a_trade_body_user_is_refused_on_every_admin_url(client, member, trade_body):
    client.force_login(member)

    for url in _admin_urls(trade_body):
        response = client.get(url, follow=True)
        assert response.status_code == 403, url
        assert trade_body.name not in response.content.decode(), url


def test_an_anonymous_visitor_is_sent_to_sign_in_from_every_admin_url(client, trade_body):
    for url in _admin_urls(trade_body):
        response = client.get(url, follow=True)
        assert response.request["PATH_INFO"] == reverse("account_login"), url


def test_a_member_sees_their_own_trade_body_dashboard(client, member, trade_body):
    client.force_login(member)

    response = client.get(reverse("trade_body_dashboard", args=[trade_body.pk]))

    assert response.status_code == 200
    assert trade_body.name in response.content.decode()


def test_another_trade_body_dashboard_is_not_found_like_a_missing_one(client, outsider, trade_body):
    client.force_login(outsider)

    other = client.get(reverse("trade_body_dashboard", args=[trade_body.pk]))
    missing = client.get(reverse("trade_body_dashboard", args=[trade_body.pk + 1000]))

    assert other.status_code == missing.status_code == 404
    assert trade_body.name not in other.content.decode()


def test_an_anonymous_visitor_cannot_open_a_trade_body_dashboard(client, trade_body):
    response = client.get(reverse("trade_body_dashboard", args=[trade_body.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_dashboard_sends_each_member_to_their_trade_body(client, member, trade_body):
    client.force_login(member)

    assert client.get(reverse("dashboard")).url == reverse("trade_body_dashboard", args=[trade_body.pk])


def test_navigation_shows_a_member_only_their_own_trade_body(client, member, outsider, trade_body):
    client.force_login(member)

    page = client.get("/").content.decode()

    assert reverse("trade_body_dashboard", args=[trade_body.pk]) in page
    assert "Staff admin" not in page
    other = outsider.trade_bodies.get()
    assert reverse("trade_body_dashboard", args=[other.pk]) not in page
