"""``python import_alone.py ROOT PRELOAD MODULE...``: import each MODULE first thing in a process of its own.

What ``python -c "import MODULE"`` per module checks (no import cycle, nothing depending on another
project module having been imported before), at a fraction of the cost: this process imports the
third-party and standard modules the project's code names (PRELOAD, comma-separated; none of ``flows``,
``knowledge``, ``nlu`` or ``bot``) and those they load lazily when the project's code first uses them
(pydantic's model machinery: asked of one throwaway child that imports every MODULE), then forks once per
MODULE, so each child starts with no project module loaded and only pays for the project's own imports.
Prints ``MODULE<TAB>exit code<TAB>error``.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback

PROJECT = ("flows", "knowledge", "nlu", "bot")


def main(argv: list[str]) -> int:
    root, preload, modules = argv[0], [m for m in argv[1].split(",") if m], argv[1:][1:]
    sys.path.insert(0, root)
    for name in preload:
        if name.split(".")[0] in PROJECT:
            raise SystemExit(f"{name} is a project module: it must not be loaded before the check")
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001, S112 - a name from a docstring or an optional dependency
            continue
    for name in _outside_modules_loaded_by(modules):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001, S112 - a module that cannot be imported by its name
            continue
    assert not [m for m in sys.modules if m.split(".")[0] in PROJECT], "a project module got preloaded"
    for module in modules:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            code = 0
            try:
                importlib.import_module(module)
            except BaseException:  # noqa: BLE001 - reported to the parent
                os.write(write, traceback.format_exc().encode("utf-8", "replace"))
                code = 1
            os._exit(code)
        os.close(write)
        with os.fdopen(read, "rb") as pipe:
            error = pipe.read().decode("utf-8", "replace")
        _, status = os.waitpid(pid, 0)
        print(module, os.waitstatus_to_exitcode(status), error.replace("\n", "\\n"), sep="\t")
    return 0


def _outside_modules_loaded_by(modules: list[str]) -> list[str]:
    """The modules outside the project that importing ``modules`` loads, besides those loaded here."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        before = set(sys.modules)
        for module in modules:
            try:
                importlib.import_module(module)
            except BaseException:  # noqa: BLE001, S112 - the checks proper report it
                continue
        names = [m for m in sys.modules if m not in before and m.split(".")[0] not in PROJECT]
        os.write(write, "\n".join(names).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        names = pipe.read().decode().split()
    os.waitpid(pid, 0)
    return names


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
