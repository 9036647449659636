"""Where `expe` keeps its key and listen secret: `$XDG_CONFIG_HOME/expe/config.json` (by default
`~/.config/expe/config.json`), readable by its owner only."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from expe.webhooks import generate_secret


def config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "expe" / "config.json"


@dataclass
class Config:
    api_key: str | None = None
    api_url: str | None = None
    # Signs what `expe listen` forwards; kept so a local receiver's secret stays valid.
    listen_secret: str | None = None

    @classmethod
    def load(cls) -> Config:
        try:
            stored = json.loads(config_path().read_text())
        except FileNotFoundError:
            return cls()
        return cls(
            api_key=stored.get("apiKey"),
            api_url=stored.get("apiUrl"),
            listen_secret=stored.get("listenSecret"),
        )

    def save(self) -> Path:
        path = config_path()
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        names = {"api_key": "apiKey", "api_url": "apiUrl", "listen_secret": "listenSecret"}
        stored = {names[name]: value for name, value in asdict(self).items() if value is not None}
        # Created 0600 before anything is written, so the key is never readable by others.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump(stored, file, indent=2)
        path.chmod(0o600)
        return path

    def listen_signing_secret(self) -> str:
        """The secret `expe listen` signs with, made and stored on first use."""
        if self.listen_secret is None:
            self.listen_secret = generate_secret()
            self.save()
        return self.listen_secret
