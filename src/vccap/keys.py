"""The workspace's pseudonymisation key, and its fingerprint.

The key (``<workspace>/.cle_pseudonymisation``, readable by its owner only, listed in the
workspace's ``.gitignore``) makes the pseudonyms and the keyed hashes of personal values a
build keeps. What a build remembered under one key is useless under another: the build state
records the key's :func:`fingerprint`, and a changed key means everything is read and
audited again. A key that disappears while a build state exists is an error, never a new key
made in silence (:func:`build_key`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from vccap.errors import SecretKeyError

KEY_FILE = ".cle_pseudonymisation"


def secret_key(workspace: Path, *, create: bool = True) -> bytes:
    """Return the workspace's pseudonymisation key, creating it on first use."""
    path = Path(workspace) / KEY_FILE
    if path.exists():
        try:
            data = path.read_text(encoding="ascii").strip()
            key = bytes.fromhex(data)
        except (OSError, ValueError) as exc:
            raise SecretKeyError(path, "illisible") from exc
        if len(key) < 16:
            raise SecretKeyError(path, "trop_courte")
        return key
    if not create:
        raise SecretKeyError(path, "absente")
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    except FileExistsError:  # another process created it meanwhile
        return secret_key(workspace, create=False)
    except OSError as exc:
        raise SecretKeyError(path, "ecriture_impossible") from exc
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
    return key


def fingerprint(key: bytes) -> str:
    """A short public name of the key (HMAC of a constant): equal keys, equal fingerprints;
    it tells nothing about the key itself."""
    return hmac.new(key, b"vccap-empreinte-de-cle", hashlib.sha256).hexdigest()[:16]


def has_build_state(workspace: Path) -> bool:
    """True when a build of this workspace recorded its state (people were pseudonymised
    under its key): ``<workspace>/.vccap/sites/*/etat.json`` (see :mod:`vccap.build.state`)."""
    sites = Path(workspace) / ".vccap" / "sites"
    return sites.is_dir() and any(sites.glob("*/etat.json"))


def workspace_key(workspace: Path) -> bytes:
    """The key every command uses: created on first use, an error if it vanished after a
    build (:func:`build_key` with what the workspace itself tells)."""
    return build_key(workspace, known=has_build_state(workspace))


def build_key(workspace: Path, *, known: bool, new_key: bool = False) -> bytes:
    """The key of a build. ``known``: a build state of this workspace exists (people were
    already pseudonymised under a key). A missing key is then an error
    (:class:`SecretKeyError`, reason ``disparue``) unless ``new_key`` accepts a new one."""
    path = Path(workspace) / KEY_FILE
    if known and not path.exists() and not new_key:
        raise SecretKeyError(path, "disparue")
    return secret_key(workspace)
