"""Three answers in one turn stay within KakaoTalk's three outputs, and every answer is still there."""

from __future__ import annotations

import json

from bot.channels import kakao
from bot.messages import Inbound


def test_three_answers_fit_kakaos_three_outputs(make_assistant) -> None:
    assistant = make_assistant()
    replies = assistant.handle(Inbound(channel="kakao", user_key="multi",
                                       text="DOOR가 뭐예요? 구인배수가 뭐예요? 실명등록은 어디서 해요?"))
    answered = [r for r in replies if r.text and ("DOOR" in r.text or "구인배수" in r.text or "사이렌24" in r.text)]
    assert len(answered) == 3
    outputs = kakao.render(replies)["template"]["outputs"]
    assert len(outputs) <= kakao.MAX_OUTPUTS
    rendered = json.dumps(outputs, ensure_ascii=False)
    assert all(word in rendered for word in ("DOOR", "구인배수", "사이렌24"))
