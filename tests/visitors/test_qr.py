"""The signed badge code alone: no database, no Django."""

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from visitors import qr

KEY = qr.load_private_key(base64.b64encode(bytes(range(32))).decode())
OTHER_KEY = qr.load_private_key(base64.b64encode(bytes(range(1, 33))).decode())
CODE = qr.BadgeCode(expo_id=7, number="ACDEFGHJ", version=2)


def test_verify_signed_code_gives_it_back():
    verdict = qr.verify(qr.sign(CODE, KEY), KEY.public_key())
    assert verdict.ok
    assert verdict.code == CODE


def test_code_fits_a_small_qr():
    payload = qr.sign(CODE, KEY)
    assert payload.startswith("B1.")
    assert len(payload) == qr.MAX_LENGTH == 109


def test_code_signed_with_another_key_is_forged():
    assert qr.verify(qr.sign(CODE, OTHER_KEY), KEY.public_key()).reason == qr.FORGED


def test_every_single_bit_flip_is_refused():
    raw = bytearray(base64.urlsafe_b64decode(qr.sign(CODE, KEY)[3:] + "=="))
    for index in range(len(raw)):
        for bit in range(8):
            flipped = bytearray(raw)
            flipped[index] ^= 1 << bit
            payload = "B1." + base64.urlsafe_b64encode(bytes(flipped)).rstrip(b"=").decode()
            assert not qr.verify(payload, KEY.public_key()).ok, (index, bit)


def test_every_truncation_is_refused():
    payload = qr.sign(CODE, KEY)
    for length in range(len(payload)):
        assert qr.verify(payload[:length], KEY.public_key()).reason == qr.MALFORMED


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "B1.",
        "hello",
        "B1." + "A" * 5000,
        "x" * 10_000_000,
        b"\xff\xfe\x00garbage",
        b"B1.\x80\x81",
        "B1.ÄÖÜ" * 10,
        "B1." + "=" * 106,
        None,
        12345,
    ],
)
def test_garbage_is_malformed_and_never_raises(payload):
    assert qr.verify(payload, KEY.public_key()).reason == qr.MALFORMED


def test_non_canonical_spelling_is_refused():
    payload = qr.sign(CODE, KEY)
    last = payload[-1]
    # The last character carries unused low bits: another letter with the same high bits decodes the same.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    index = alphabet.index(last)
    twin = alphabet[index ^ 1]
    assert not qr.verify(payload[:-1] + twin, KEY.public_key()).ok


def test_raw_and_pem_keys_load_to_the_same_key():
    from cryptography.hazmat.primitives import serialization

    pem = KEY.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    assert qr.public_key_raw(qr.load_private_key(pem).public_key()) == qr.public_key_raw(KEY.public_key())
    with pytest.raises(ValueError, match="32 bytes"):
        qr.load_private_key(base64.b64encode(b"short").decode())


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300)))
def test_random_input_is_never_accepted(payload):
    assert not qr.verify(payload, KEY.public_key()).ok
