from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from . import images
from .models import User


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the person to invite"))


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(label=_("Your full name"), max_length=150)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            try:
                password_validation.validate_password(
                    password1, User(email=self.email, full_name=cleaned.get("full_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class UploadedImage:
    """A checked upload, as it was sent: a worker re-encodes it and makes its thumbnail (``expo.images.reencode``).

    It still carries its metadata, so it is kept in private storage until then.
    """

    def __init__(self, data: bytes, checked: images.CheckedImage):
        self.original = ContentFile(data, name=f"image.{checked.extension}")


class ImageUploadField(forms.FileField):
    """A file field that accepts only real JPEG, PNG or WebP images within bounds (see ``expo.images``).

    ``cleaned_data`` holds an ``UploadedImage`` (or None when nothing was uploaded).
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("JPEG, PNG or WebP, up to 5 MB."))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", "image/jpeg,image/png,image/webp")

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return None
        if upload.size > settings.EXPO_IMAGE_MAX_BYTES:
            raise forms.ValidationError(_IMAGE_MESSAGES["too_large"]())
        data = upload.read()
        try:
            checked = images.check_image(
                data,
                max_bytes=settings.EXPO_IMAGE_MAX_BYTES,
                max_pixels=settings.EXPO_IMAGE_MAX_PIXELS,
                messages=image_messages(),
            )
        except images.ImageRejected as error:
            raise forms.ValidationError(str(error)) from error
        return UploadedImage(data, checked)


def image_messages() -> dict[str, str]:
    """The reasons ``expo.images`` gives for refusing an image, in the active language."""
    return {key: str(message()) for key, message in _IMAGE_MESSAGES.items()}


_IMAGE_MESSAGES = {
    "too_large": lambda: _("The file is larger than %(size)d MB.") % {"size": settings.EXPO_IMAGE_MAX_BYTES // 2**20},
    "not_image": lambda: _("This file is not an image. Upload a JPEG, PNG or WebP photo."),
    "wrong_format": lambda: _("Upload a JPEG, PNG or WebP image; other formats (such as SVG or GIF) are not accepted."),
    "markup": lambda: _("This file contains web page code (HTML or SVG) and cannot be accepted as an image."),
    "too_many_pixels": lambda: (
        _("The image is too large: at most %(megapixels)d megapixels.")
        % {"megapixels": settings.EXPO_IMAGE_MAX_PIXELS // 1_000_000}
    ),
    "broken": lambda: _("The image file is damaged or incomplete."),
}
