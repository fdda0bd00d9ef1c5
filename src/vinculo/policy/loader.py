"""Finding, parsing and validating policy packs.

Packs are read from the deployment's folders (settings.POLICY_PACK_DIRS) first, then from the
packs shipped with Vínculo: a deployment publishes a newer version of a pack by dropping a file
with the same code in its own folder. An invalid pack is refused whole, with the file and the
field named, and `vinculo check` fails on it.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from pydantic import ValidationError

from vinculo.policy.schema import PolicyPack

SHIPPED_DIR = Path(__file__).resolve().parent / "packs"


class PolicyPackInvalid(Exception):
    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"policy pack {path.name} is invalid:\n  " + "\n  ".join(problems))


class PolicyPackNotFound(LookupError):
    pass


@dataclass(frozen=True)
class LoadedPack:
    pack: PolicyPack
    path: Path
    checksum: str


def _location(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(pack)"


def pack_parse(path: Path) -> LoadedPack:
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise PolicyPackInvalid(path, [f"not valid TOML: {error}"]) from error
    try:
        pack = PolicyPack.model_validate(data)
    except ValidationError as error:
        problems = [f"{_location(e['loc'])}: {e['msg']}" for e in error.errors()]
        raise PolicyPackInvalid(path, problems) from error
    if path.stem != pack.code:
        raise PolicyPackInvalid(
            path, [f"code: '{pack.code}' must match the file name '{path.stem}'"]
        )
    return LoadedPack(pack, path, hashlib.sha256(raw).hexdigest())


def pack_dirs() -> list[Path]:
    return [*settings.POLICY_PACK_DIRS, SHIPPED_DIR]


@cache
def packs_all() -> dict[str, LoadedPack]:
    """Every pack in force, by code; the first folder that has a code wins."""
    found: dict[str, LoadedPack] = {}
    for folder in pack_dirs():
        for path in sorted(Path(folder).glob("*.toml")):
            if path.stem not in found:
                found[path.stem] = pack_parse(path)
    return found


def pack_get(code: str) -> PolicyPack:
    try:
        return packs_all()[code.upper()].pack
    except KeyError:
        raise PolicyPackNotFound(code) from None


def packs_validate() -> list[str]:
    """Every problem in every pack folder (for `vinculo check`), without caching anything."""
    problems = []
    for folder in pack_dirs():
        for path in sorted(Path(folder).glob("*.toml")):
            try:
                pack_parse(path)
            except PolicyPackInvalid as error:
                problems.append(str(error))
    return problems
