"""Envelope sealing with a keyring: key ids, old keys, legacy values, re-sealing."""

from __future__ import annotations

import base64
import hashlib
import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import ValidationError

from shared.sealing import Keyring, KeyringInvalid, SealBroken, is_sealed
from shared.settings import BaseServiceSettings

K1 = Keyring.parse("k1:first-secret-of-the-ring")
K2_CURRENT = Keyring.parse("k2:second-secret-of-the-ring,k1:first-secret-of-the-ring")
K2_ONLY = Keyring.parse("k2:second-secret-of-the-ring")


def legacy_sealed(key: str, purpose: str, plain: bytes) -> bytes:
    """A value as stored before key ids: nonce + AES-GCM under sha256(purpose, key)."""
    nonce = os.urandom(12)
    aead = AESGCM(hashlib.sha256(f"{purpose}\x1f{key}".encode()).digest())
    return nonce + aead.encrypt(nonce, plain, purpose.encode())


def test_a_sealed_value_names_its_scheme_and_key_and_opens():
    sealed = K1.sealer("totp-secret").seal("JBSWY3DPEHPK3PXP")
    scheme, key_id, wrapped, nonce, ciphertext = sealed.split(":")
    assert (scheme, key_id) == ("aesgcm2", "k1")
    assert len(base64.urlsafe_b64decode(wrapped + "==")) == 40  # a wrapped 256-bit data key
    assert "JBSWY3DPEHPK3PXP" not in sealed
    assert K1.sealer("totp-secret").open(sealed) == "JBSWY3DPEHPK3PXP"
    assert nonce and ciphertext


def test_each_value_gets_its_own_data_key():
    sealer = K1.sealer("totp-secret")
    first, second = sealer.seal("same"), sealer.seal("same")
    assert first.split(":")[2] != second.split(":")[2]


def test_a_value_cannot_be_moved_to_another_field():
    sealed = K1.sealer("payment-customer-email").seal("asha@example.com")
    with pytest.raises(SealBroken):
        K1.sealer("payment-customer-name").open(sealed)


def test_an_altered_value_does_not_open():
    sealed = K1.sealer("totp-secret").seal("JBSWY3DPEHPK3PXP")
    *head, ciphertext = sealed.split(":")
    flipped = ("B" if ciphertext[0] == "A" else "A") + ciphertext[1:]
    with pytest.raises(SealBroken):
        K1.sealer("totp-secret").open(":".join([*head, flipped]))


def test_a_new_current_key_seals_new_values_and_the_old_one_still_opens_old_ones():
    old = K1.sealer("webhook-endpoint-secret").seal("whsec_old")
    sealer = K2_CURRENT.sealer("webhook-endpoint-secret")
    new = sealer.seal("whsec_new")
    assert (sealer.key_id(old), sealer.key_id(new)) == ("k1", "k2")
    assert (sealer.open(old), sealer.open(new)) == ("whsec_old", "whsec_new")


def test_a_value_under_a_dropped_key_says_which_key_it_needs():
    old = K1.sealer("webhook-endpoint-secret").seal("whsec_old")
    with pytest.raises(SealBroken, match="key k1, which is not in the keyring"):
        K2_ONLY.sealer("webhook-endpoint-secret").open(old)


def test_values_sealed_before_key_ids_open_with_the_legacy_key():
    raw = legacy_sealed("the-old-sealing-key", "webhook-endpoint-secret", b"whsec_legacy")
    text = "aesgcm1:" + base64.b64encode(raw).decode()
    sealer = K2_CURRENT.sealer("webhook-endpoint-secret", legacy_key="the-old-sealing-key")
    assert sealer.open(text) == "whsec_legacy"
    assert sealer.open_bytes(raw) == b"whsec_legacy"  # idempotency replays kept raw bytes
    with pytest.raises(SealBroken, match="legacy key"):
        K2_CURRENT.sealer("webhook-endpoint-secret").open(text)
    with pytest.raises(SealBroken):
        K2_CURRENT.sealer("webhook-endpoint-secret", legacy_key="another-key").open(text)


def test_resealing_rewraps_the_data_key_and_keeps_the_ciphertext():
    old = K1.sealer("totp-secret").seal("JBSWY3DPEHPK3PXP")
    sealer = K2_CURRENT.sealer("totp-secret")
    resealed = sealer.resealed(old)
    assert resealed is not None
    assert sealer.key_id(resealed) == "k2"
    assert resealed.split(":")[3:] == old.split(":")[3:]  # same nonce and ciphertext
    assert K2_ONLY.sealer("totp-secret").open(resealed) == "JBSWY3DPEHPK3PXP"
    assert sealer.resealed(resealed) is None  # already current: nothing to do


def test_resealing_seals_legacy_and_plain_values_anew():
    sealer = K2_CURRENT.sealer("idempotent-response", legacy_key="internal")
    legacy = sealer.resealed(legacy_sealed("internal", "idempotent-response", b'{"id": 1}'))
    plain = sealer.resealed("JBSWY3DPEHPK3PXP")
    assert legacy is not None and plain is not None
    assert K2_ONLY.sealer("idempotent-response").open_bytes(legacy) == b'{"id": 1}'
    assert K2_ONLY.sealer("idempotent-response").open(plain) == "JBSWY3DPEHPK3PXP"


def test_a_field_sealed_late_still_reads_its_plain_values():
    sealer = K1.sealer("payment-customer-email")
    assert sealer.open_field("asha@example.com") == "asha@example.com"
    assert sealer.open_field(sealer.seal("asha@example.com")) == "asha@example.com"
    assert not is_sealed("asha@example.com")
    assert not is_sealed("JBSWY3DPEHPK3PXP")


@pytest.mark.parametrize(
    ("text", "current", "problem"),
    [
        ("k1", None, "id:secret pairs"),
        ("k1:", None, "id:secret pairs"),
        ("k 1:secret", None, "id:secret pairs"),
        ("k1:a,k1:b", None, "listed twice"),
        ("k1:a,k2:b", "k3", "k3 is not in the keyring"),
    ],
)
def test_a_keyring_that_cannot_be_read_is_refused(text, current, problem):
    with pytest.raises(KeyringInvalid, match=problem):
        Keyring.parse(text, current)


def test_the_current_key_is_the_one_named_else_the_first():
    assert Keyring.parse("k2:b,k1:a").current == "k2"
    assert Keyring.parse("k2:b,k1:a", "k1").current == "k1"


class SealingSettings(BaseServiceSettings):
    seals_at_rest = True


def test_settings_read_the_keyring_and_production_refuses_the_placeholder():
    settings = BaseServiceSettings(sealing_keys="k2:b,k1:a", sealing_key_id="k1")
    assert settings.sealing_keyring() == Keyring((("k2", "b"), ("k1", "a")), "k1")
    with pytest.raises(ValidationError, match="not in the keyring"):
        BaseServiceSettings(sealing_keys="k2:b", sealing_key_id="k1")
    real = {"internal_secret": "s" * 32}
    with pytest.raises(ValidationError, match="EXPE_SEALING_KEYS"):
        SealingSettings(env="production", **real)
    with pytest.raises(ValidationError, match="EXPE_SEALING_KEYS"):
        SealingSettings(env="production", sealing_keys="k9:local-sealing-key-change-me", **real)
    assert SealingSettings(env="production", sealing_keys="k1:" + "x" * 32, **real)
    # A process that seals nothing (the gateway, analytics) needs no sealing keys.
    assert BaseServiceSettings(env="production", **real)
