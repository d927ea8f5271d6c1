"""Speakers invited by email confirm and edit their profile: the invitation flow, bad input, who may not."""

import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from expo.models import Invitation
from programme.models import Speaker
from tests.factories import PASSWORD, SpeakerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def speaker(expo):
    return SpeakerFactory(expo=expo, name="Dr Ayesha Khan", organisation="University of Agriculture, Faisalabad")


@pytest.fixture
def member(speaker):
    user = UserFactory(email="ayesha@uaf.edu.pk")
    speaker.members.add(user)
    return user


def _profile(**overrides) -> dict:
    return {
        "name": "Dr Ayesha Khan",
        "title": "Professor of Fibre Science",
        "organisation": "University of Agriculture, Faisalabad",
        "bio": "Works on banana fibre.",
        "bio_ur": "",
        **overrides,
    }


def test_staff_invite_a_speaker_who_accepts_and_lands_on_their_profile(
    client, speaker, staff_with_mfa, django_capture_on_commit_callbacks
):
    client.force_login(staff_with_mfa)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:programme_speaker_invite", args=[speaker.pk]), {"email": "Ayesha@UAF.edu.pk"}
        )
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.to == ["ayesha@uaf.edu.pk"]
    assert "speaker profile" in message.body
    token = re.search(r"/invitations/([^/]+)/", message.body).group(1)
    assert token not in Invitation.objects.get().token_hash
    client.logout()

    response = client.post(
        reverse("invitation_accept", args=[token]),
        {"full_name": "Ayesha Khan", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.url == reverse("programme_speaker_edit", args=[speaker.pk])
    assert speaker.members.filter(email="ayesha@uaf.edu.pk").exists()
    assert client.get(response.url).status_code == 200


def test_speaker_confirms_and_edits_their_profile_with_a_photo(
    client, speaker, member, django_capture_on_commit_callbacks
):
    buffer = io.BytesIO()
    Image.new("RGB", (90, 90), (20, 20, 160)).save(buffer, "PNG")
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("programme_speaker_edit", args=[speaker.pk]),
            {**_profile(), "photo": SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")},
        )

    assert response.status_code == 302
    speaker.refresh_from_db()
    assert (speaker.title, speaker.bio) == ("Professor of Fibre Science", "Works on banana fibre.")
    assert speaker.confirmed_at is not None
    assert speaker.photo_thumbnail


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (_profile(name=""), "name"),
        (_profile(bio="x" * 1501), "bio"),
        (
            {**_profile(), "photo": SimpleUploadedFile("me.png", b"GIF89a not really", content_type="image/png")},
            "photo",
        ),
    ],
)
def test_bad_profile_input_is_shown_by_the_field_and_nothing_saved(client, speaker, member, data, field):
    client.force_login(member)

    response = client.post(reverse("programme_speaker_edit", args=[speaker.pk]), data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    speaker.refresh_from_db()
    assert (speaker.name, speaker.confirmed_at, speaker.photo.name) == ("Dr Ayesha Khan", None, "")


def test_other_people_cannot_open_or_change_a_speakers_profile(client, speaker, member, expo):
    url = reverse("programme_speaker_edit", args=[speaker.pk])
    other_speaker = SpeakerFactory(expo=expo)
    other_speaker.members.add(UserFactory(email="other@example.pk"))

    assert client.get(url).status_code == 302  # anonymous: to sign in
    client.force_login(other_speaker.members.get())
    assert client.get(url).status_code == 404
    assert client.post(url, _profile(name="Hijacked")).status_code == 404
    assert client.get(reverse("programme_speaker_edit", args=[999999])).status_code == 404
    speaker.refresh_from_db()
    assert speaker.name == "Dr Ayesha Khan"
    assert Speaker.objects.get(pk=other_speaker.pk).confirmed_at is None
