"""``python -m flows.check [--lenient]``: load all content and flows and say what is wrong.

Content authors run this after every edit; ``--lenient`` lets flows refer to flows or stages that
another author has not written yet.
"""

from __future__ import annotations

import sys
import warnings

from flows.loader import load_domain
from knowledge.loader import ContentError


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            domain = load_domain(lenient="--lenient" in argv)
        except ContentError as exc:
            print(f"error: {exc}")
            return 1
    for warning in caught:
        print(f"warning: {warning.message}")
    k = domain.knowledge
    print(f"ok: {len(k.facts)} facts, {len(k.texts)} texts, {len(domain.flows)} flows, "
          f"{len(domain.menus)} menus, {len(domain.stages)} stages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
