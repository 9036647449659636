"""Secret settings from mounted files and from a Vault KV v2 API (shared/secrets.py).

The Vault side runs against a server that answers as Vault's documented KV v2 API does
(`GET /v1/<mount>/data/<path>` with `X-Vault-Token`; 403 `{"errors": ["permission denied"]}`,
404 `{"errors": []}`), served over real HTTP.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from devstack.serving import serve_in_thread
from services.auth.settings import AuthSettings
from services.webhooks.settings import WebhooksSettings
from shared.secrets import SecretsUnavailable
from shared.settings import BaseServiceSettings

TOKEN = "hvs." + secrets.token_urlsafe(18)
PEM = "\n".join(
    ("-----BEGIN PRIVATE KEY-----", "MC4CAQAwBQYDK2VwBCIE" + "A" * 44, "-----END PRIVATE KEY-----")
)
STORED = {
    "secret/expe/webhooks": {
        "EXPE_INTERNAL_SECRET": "internal-from-vault",
        "EXPE_SEALING_KEYS": "k2:from-vault-2,k1:from-vault-1",
        "EXPE_SEALING_KEY": "legacy-from-vault",
    },
    "secret/expe/auth": {"EXPE_TOKENS__SIGNING_KEY": PEM},
}


def kv2_server() -> FastAPI:
    """Vault's KV v2 read, as documented: the body, the 403 and the 404."""
    app = FastAPI()

    @app.get("/v1/{mount}/data/{path:path}")
    async def read(mount: str, path: str, request: Request) -> JSONResponse:
        if request.headers.get("x-vault-token") != TOKEN:
            return JSONResponse({"errors": ["permission denied"]}, status_code=403)
        data = STORED.get(f"{mount}/{path}")
        if data is None:
            return JSONResponse({"errors": []}, status_code=404)
        metadata = {
            "created_time": "2026-01-01T00:00:00.000000Z",
            "custom_metadata": None,
            "deletion_time": "",
            "destroyed": False,
            "version": 1,
        }
        return JSONResponse(
            {
                "request_id": "5d2f7a3e-0000-0000-0000-000000000000",
                "lease_id": "",
                "renewable": False,
                "lease_duration": 0,
                "data": {"data": data, "metadata": metadata},
                "wrap_info": None,
                "warnings": None,
                "auth": None,
            }
        )

    return app


@pytest.fixture(scope="module")
def vault() -> Iterator[str]:
    with serve_in_thread(kv2_server()) as url:
        yield url


@pytest.fixture
def mounted(tmp_path: Path) -> Path:
    """A Kubernetes Secret mounted as a volume: one file per key, as `echo` writes them."""
    (tmp_path / "EXPE_INTERNAL_SECRET").write_text("internal-from-file\n")
    (tmp_path / "EXPE_SEALING_KEYS").write_text("k1:from-file-1\n")
    (tmp_path / "EXPE_TOKENS__SIGNING_KEY").write_text(PEM + "\n")
    return tmp_path


def test_secrets_come_from_files_named_as_their_variables(mounted: Path) -> None:
    settings = AuthSettings(env="production", secrets_dir=str(mounted))
    assert settings.internal_secret.get_secret_value() == "internal-from-file"
    assert settings.sealing_keyring().keys == (("k1", "from-file-1"),)
    assert settings.tokens.signing_key is not None
    assert settings.tokens.signing_key.get_secret_value() == PEM
    # Other settings of the same section still come from where they always did.
    assert settings.tokens.issuer == "expe-auth"


def test_the_secrets_directory_is_a_setting_and_the_environment_wins(
    mounted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPE_SECRETS_DIR", str(mounted))
    monkeypatch.setenv("EXPE_INTERNAL_SECRET", "internal-from-environment")
    settings = BaseServiceSettings()
    assert settings.internal_secret.get_secret_value() == "internal-from-environment"
    assert settings.sealing_keys.get_secret_value() == "k1:from-file-1"


def test_a_missing_secrets_directory_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(SecretsUnavailable, match="is not a directory"):
        BaseServiceSettings(secrets_dir=str(tmp_path / "absent"))


def test_secrets_come_from_a_vault_kv2_secret(vault: str) -> None:
    settings = WebhooksSettings(
        env="production", vault={"addr": vault, "path": "expe/webhooks", "token": TOKEN}
    )
    assert settings.internal_secret.get_secret_value() == "internal-from-vault"
    assert settings.sealing_keyring().ids == ("k2", "k1")
    assert settings.legacy_sealing_key == "legacy-from-vault"


def test_the_vault_token_may_be_a_file(vault: str, tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    vault_settings: dict[str, Any] = {
        "addr": vault,
        "path": "expe/auth",
        "token_file": str(token_file),
    }
    settings = AuthSettings(vault=vault_settings)
    assert settings.tokens.signing_key is not None
    assert settings.tokens.signing_key.get_secret_value() == PEM


def test_files_come_before_vault(vault: str, mounted: Path) -> None:
    settings = WebhooksSettings(
        secrets_dir=str(mounted), vault={"addr": vault, "path": "expe/webhooks", "token": TOKEN}
    )
    assert settings.internal_secret.get_secret_value() == "internal-from-file"
    assert settings.legacy_sealing_key == "legacy-from-vault"  # no file has it


@pytest.mark.parametrize(
    ("path", "token", "said"),
    [
        ("expe/webhooks", "hvs.wrong", "403 permission denied"),
        ("expe/nothing-here", TOKEN, "404 no such secret"),
    ],
)
def test_a_vault_that_refuses_stops_the_start(vault: str, path: str, token: str, said: str):
    with pytest.raises(SecretsUnavailable, match=said):
        BaseServiceSettings(vault={"addr": vault, "path": path, "token": token})


def test_a_vault_that_does_not_answer_stops_the_start() -> None:
    with pytest.raises(SecretsUnavailable, match="did not answer"):
        BaseServiceSettings(vault={"addr": "http://127.0.0.1:9", "token": TOKEN})
