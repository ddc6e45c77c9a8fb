"""Where the trained model lives and how a cached one is recognised as current.

The model file name carries a fingerprint of everything that shapes it: the training data and
resource YAML, the nlu code, and the numpy/Python versions the pickle depends on. Any change
yields a new fingerprint, so a stale model is never loaded; it is retrained and the old file removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from nlu.config import PACKAGE_DIR

_override: Path | None = None
MODEL_SUBDIR = "nlu"


def set_cache_dir(path: str | os.PathLike[str] | None) -> None:
    """Use ``path`` (the app's data directory) for the model cache; ``None`` restores the default."""
    global _override
    _override = Path(path).expanduser() if path is not None else None


def cache_dir() -> Path:
    """The data directory: ``set_cache_dir`` value, else ``$GILJABI_DATA_DIR``, else the platform's."""
    if _override is not None:
        return _override
    env = os.environ.get("GILJABI_DATA_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("giljabi", appauthor=False))


def source_files() -> list[Path]:
    """Every file whose content shapes the model."""
    files = [p for p in PACKAGE_DIR.rglob("*") if p.suffix in (".py", ".yml", ".yaml") and p.is_file()]
    return sorted(p for p in files if "__pycache__" not in p.parts)


def fingerprint() -> str:
    import numpy

    h = hashlib.sha256()
    h.update(f"py{sys.version_info[0]}.{sys.version_info[1]} numpy{numpy.__version__}".encode())
    for path in source_files():
        h.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def model_path(fp: str | None = None) -> Path:
    return cache_dir() / MODEL_SUBDIR / f"intent-model-{(fp or fingerprint())[:20]}.pkl"


def read_pickle(path: Path) -> object | None:
    """The pickled object at ``path``, or ``None`` when it is missing, unreadable or from other code:
    a cache file that cannot be read is a miss, never an error."""
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None


def write_pickle(path: Path, value: object, stale: str) -> None:
    """Replace ``path`` with ``value`` atomically, then drop the files matching ``stale`` beside it.

    Several processes (server workers, one-off commands) may write the same file at once: it goes to a
    temporary file renamed into place, so a reader never sees half of it. Raises ``OSError`` (a
    read-only or full disk); callers for whom the file is only a cache ignore it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    for old in path.parent.glob(stale):
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()


def load(fp: str) -> object | None:
    """The cached model for fingerprint ``fp``, or ``None`` if absent or unreadable."""
    model = read_pickle(model_path(fp))
    return model if getattr(model, "fingerprint", None) == fp else None


def save(model: object, fp: str) -> Path:
    """Write atomically (concurrent workers may train at once) and delete stale model files."""
    path = model_path(fp)
    write_pickle(path, model, stale="intent-model-*.pkl")
    return path
