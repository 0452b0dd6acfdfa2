"""The portal's own keys: one signs the client assertion (private_key_jwt), one receives encrypted ID tokens.

They are kept as a private JWKS file; their public halves are published at /identification/jwks.json, so a
provider fetches them itself and keys can be rotated without anyone exchanging files. To rotate, put a new key
of the same use first in the file: the first signing key signs, every encryption key decrypts, all are
published.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from joserfc.jwk import KeySet, RSAKey

_EXTENSION = "portal.identification.keys"


@dataclass(frozen=True)
class PortalKeys:
    keys: KeySet

    @property
    def signing(self) -> RSAKey:
        return next(key for key in self.keys if key.get("use") == "sig")  # type: ignore[return-value]

    @property
    def decrypting(self) -> KeySet:
        return KeySet([key for key in self.keys if key.get("use") == "enc"])

    def public(self) -> dict[str, object]:
        return self.keys.as_dict(private=False)


def new_key_pair() -> list[RSAKey]:
    return [
        RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True),
        RSAKey.generate_key(2048, parameters={"use": "enc", "alg": "RSA-OAEP-256"}, auto_kid=True),
    ]


def _load_or_make(path: Path) -> KeySet:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(KeySet(new_key_pair()).as_dict(private=True)))  # type: ignore[arg-type]
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)  # only if there is none yet: if another process was quicker, all use its keys
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return KeySet.import_key_set(json.loads(path.read_text()))


def portal_keys(app: Flask | None = None) -> PortalKeys:
    app = app or current_app
    found = app.extensions.get(_EXTENSION)
    if found is None:
        found = PortalKeys(_load_or_make(Path(app.config["OIDC_KEYS_FILE"])))
        app.extensions[_EXTENSION] = found
    return found  # type: ignore[no-any-return]
