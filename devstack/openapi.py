"""`python -m devstack openapi PATH`: writes the API's one OpenAPI document to PATH (`-` prints it).

It is the document the gateway serves at `/openapi.json`, merged the same way
(gateway/openapi.py), but built in-process from each service's app, so no stack needs to run:
what code generators read (`make openapi-clients`).
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

from gateway.app import create_app as create_gateway
from gateway.openapi import merge
from gateway.routing import SERVICES
from gateway.settings import GatewaySettings
from shared.openapi import document_of


def merged_document() -> dict[str, Any]:
    """The whole API, from the gateway's own document and every service's."""
    services = {
        name: importlib.import_module(f"services.{name}.app").create_app().openapi()
        for name in SERVICES
    }
    # The live relay is the gateway's Kafka consumer: no part of the document.
    gateway = create_gateway(GatewaySettings(live_relay=False))
    return merge(document_of(gateway), services)


def write_document(path: str) -> None:
    text = json.dumps(merged_document(), indent=2) + "\n"
    if path == "-":
        sys.stdout.write(text)
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    print(f"wrote {target}", file=sys.stderr)
