"""A real server process with the NLU stubbed (it starts in a second): ``python fake_server.py URL PORT DATA_DIR``."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    import uvicorn

    from bot.assistant import Assistant, build_domain
    from bot.config import Settings
    from bot.logs import configure_logging
    from bot.server import create_app
    from bot.store import Store
    from tests.bot.conftest import KAKAO_SECRET, fake_parse

    url, port = sys.argv[1], int(sys.argv[2])
    configure_logging("WARNING")
    settings = Settings(data_dir=Path(sys.argv[3]), kakao_skill_secret=KAKAO_SECRET)
    # no warm-up: the NLU is stubbed, and the occupation search is built by the first turn that needs it
    app = create_app(Assistant(Store(url), build_domain(settings), fake_parse), settings, warm_up=False)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, log_config=None)


if __name__ == "__main__":
    main()
