"""Where the secret settings come from: the environment, mounted files, or a Vault KV v2 API.

The secrets are the internal secret (EXPE_INTERNAL_SECRET), the sealing keyring
(EXPE_SEALING_KEYS, and webhooks' legacy EXPE_SEALING_KEY) and auth's JWT signing key
(EXPE_TOKENS__SIGNING_KEY). Each is taken from the first source that has it:

1. the environment, as every other setting;
2. a directory of files named as the variables (EXPE_SECRETS_DIR), which is what Kubernetes makes
   of a Secret mounted as a volume: one file per key, updated in place when the Secret changes;
3. a HashiCorp Vault-compatible server (EXPE_VAULT__ADDR): the KV v2 secret
   `EXPE_VAULT__MOUNT`/`EXPE_VAULT__PATH`, whose keys are named as the variables, read with the
   token EXPE_VAULT__TOKEN or the one in the file EXPE_VAULT__TOKEN_FILE (where a Vault agent
   writes it).

They are read once, when the process loads its settings: a rotated secret reaches a process at
its restart, which a rotation of the sealing keys needs anyway (shared/sealing.py). A Vault that
cannot be asked, or refuses, stops the process from starting rather than let it run on defaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import httpx
from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

SECRET_NAMES = (
    "EXPE_INTERNAL_SECRET",
    "EXPE_SEALING_KEYS",
    "EXPE_SEALING_KEY",
    "EXPE_TOKENS__SIGNING_KEY",
)


class SecretsUnavailable(RuntimeError):
    """A configured secret source could not be read."""


class VaultSettings(BaseModel):
    """A Vault KV v2 secret holding this process's secrets (EXPE_VAULT__ADDR, …)."""

    # The server's base URL (https://vault.example.com:8200); unset, Vault is not asked.
    addr: str | None = None
    mount: str = "secret"
    path: str = "expe"
    token: SecretStr | None = None
    token_file: str | None = None
    timeout_seconds: float = 5.0


class SecretSource(Protocol):
    def get(self, name: str) -> str | None: ...


class FileSecrets:
    """One file per secret in a directory, named as its variable (a mounted Kubernetes Secret)."""

    def __init__(self, directory: str) -> None:
        self._directory = Path(directory)
        if not self._directory.is_dir():
            raise SecretsUnavailable(f"EXPE_SECRETS_DIR {directory} is not a directory")

    def get(self, name: str) -> str | None:
        path = self._directory / name
        # Editors and `echo` end a file with a newline that is no part of the secret.
        return path.read_text().rstrip("\r\n") if path.is_file() else None


class VaultSecrets:
    """The keys of one KV v2 secret (`GET /v1/<mount>/data/<path>`), fetched at first use."""

    def __init__(self, settings: VaultSettings) -> None:
        assert settings.addr is not None
        self._settings = settings
        self._data: dict[str, Any] | None = None

    def get(self, name: str) -> str | None:
        if self._data is None:
            self._data = self._read()
        value = self._data.get(name)
        return None if value is None else str(value)

    def _token(self) -> str:
        if self._settings.token is not None:
            return self._settings.token.get_secret_value()
        if self._settings.token_file is not None:
            return Path(self._settings.token_file).read_text().strip()
        raise SecretsUnavailable("EXPE_VAULT__ADDR is set without EXPE_VAULT__TOKEN(_FILE)")

    def _read(self) -> dict[str, Any]:
        settings = self._settings
        url = f"{settings.addr}/v1/{settings.mount.strip('/')}/data/{settings.path.strip('/')}"
        where = f"Vault secret {settings.mount}/{settings.path}"
        try:
            response = httpx.get(
                url, headers={"X-Vault-Token": self._token()}, timeout=settings.timeout_seconds
            )
        except httpx.HTTPError as error:
            raise SecretsUnavailable(f"{where}: {settings.addr} did not answer ({error})") from None
        if response.status_code != 200:
            # Vault's errors are {"errors": [...]}: "permission denied" for a 403, none for a 404.
            try:
                errors = response.json().get("errors") or []
            except ValueError:
                errors = []
            said = "; ".join(map(str, errors)) or "no such secret"
            raise SecretsUnavailable(f"{where}: {response.status_code} {said}")
        data: dict[str, Any] = response.json()["data"]["data"]
        return data


def sources(state: dict[str, Any]) -> list[SecretSource]:
    """The configured sources after the environment, from the settings read so far."""
    found: list[SecretSource] = []
    if state.get("secrets_dir"):
        found.append(FileSecrets(state["secrets_dir"]))
    vault = VaultSettings.model_validate(state.get("vault") or {})
    if vault.addr:
        found.append(VaultSecrets(vault))
    return found


class SecretStoreSettingsSource(PydanticBaseSettingsSource):
    """Gives the settings the secrets the environment lacks, from the files or Vault."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        del field  # every value comes from __call__
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        stores = sources(self.current_state)
        for name in SECRET_NAMES:
            path = name.removeprefix("EXPE_").lower().split("__")
            if path[0] not in self.settings_cls.model_fields or _has(self.current_state, path):
                continue
            for store in stores:
                value = store.get(name)
                if value is not None:
                    _put(values, path, value)
                    break
        return values


def _has(state: dict[str, Any], path: list[str]) -> bool:
    for name in path:
        if not isinstance(state, dict) or name not in state:
            return False
        state = state[name]
    return True


def _put(values: dict[str, Any], path: list[str], value: str) -> None:
    for name in path[:-1]:
        values = values.setdefault(name, {})
    values[path[-1]] = value


def customise_sources(
    settings_cls: type[BaseSettings],
    init_settings: PydanticBaseSettingsSource,
    env_settings: PydanticBaseSettingsSource,
) -> tuple[PydanticBaseSettingsSource, ...]:
    """What the settings are read from, the first one winning: arguments, the environment, the
    secret sources."""
    return init_settings, env_settings, SecretStoreSettingsSource(settings_cls)
