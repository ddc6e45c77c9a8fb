"""Telling "not in the guide" from the facts' own words (``knowledge.answering.gaps``), on small facts."""

from __future__ import annotations

import pytest

from knowledge.answering.gaps import GapFinder
from knowledge.answering.lexicon import load_lexicon
from knowledge.schema import Fact

LEX = load_lexicon()
WHO = Fact(id="t.who", text="신청 대상은 운영 대학의 재학생과 휴학생이에요.\n그 밖의 경우는 안내서에 나와 있지 않아요.",
           ask=["졸업생도 신청돼요", "대학원생도 되나요"])
PAY = Fact(id="t.pay", text="수당은 월 최대 20만원이에요.\n지급일은 안내서에 나와 있지 않아요.")
PLAN = Fact(id="t.plan", text="문서는 '18년에 가이드맵을 만들 계획이라고 적고 있어요.\n서비스 내용과 기간을 담아요.")
COURSE = Fact(id="t.course", text="온라인 교육은 20시간 과정이에요.")
CENTRE = Fact(id="t.centre", text="희망일자리센터는 구청에 있어요.")
WHERE = Fact(id="t.where", text="센터는 3층이에요.\n운영시간은 문서에 나와 있지 않아요.",
             ask=["희망일자리센터 몇 층이에요"])


@pytest.fixture(scope="module")
def gaps() -> GapFinder:
    return GapFinder([WHO, PAY, PLAN, COURSE, CENTRE, WHERE], LEX)


def test_a_telling_word_the_fact_never_states_reaches_its_gap_sentence(gaps: GapFinder) -> None:
    # 대학원생 is only in the fact's ask phrasings: its text says the other cases are not in the guide
    assert gaps.gap_answer("대학원생도 신청할 수 있나요", WHO)


def test_a_question_the_fact_states_is_not_a_gap(gaps: GapFinder) -> None:
    assert not gaps.gap_answer("휴학생도 신청할 수 있나요", WHO)  # the text says 휴학


def test_a_topic_the_other_facts_name_is_not_a_gap(gaps: GapFinder) -> None:
    # the fact does not repeat its topic's name, but the guides do: it is not what the sources lack
    assert not gaps.gap_answer("희망일자리센터 몇 층이에요", WHERE)


def test_an_everyday_word_with_its_fact_word_is_not_a_gap(gaps: GapFinder) -> None:
    # "돈" is an everyday word for 수당 (the question as the ranker expands it carries both)
    assert not gaps.gap_answer("돈 얼마 나와요 수당 얼마", PAY)


def test_a_year_is_not_how_long_something_takes(gaps: GapFinder) -> None:
    assert gaps.unstated("상담은 몇 분 걸려요?", PLAN) == "duration"
    assert gaps.unstated("교육은 몇 시간짜리예요?", COURSE) is None


def test_how_many_times_is_stated_only_by_a_count(gaps: GapFinder) -> None:
    assert gaps.unstated("상담은 몇 번까지 받을 수 있어요", PAY) == "times"
    assert gaps.unstated("교육은 몇 번까지 들을 수 있어요", Fact(id="t.n", text="교육은 최대 2회까지 들어요.")) is None


def test_a_question_asking_an_aspect_the_fact_states_is_told(gaps: GapFinder) -> None:
    assert gaps.states_asked("센터 장소가 어디예요", WHERE)  # "3층" says where, without the word 장소
    assert not gaps.states_asked("센터 이용료 있어요?", WHERE)


def test_a_web_address_says_no_place(gaps: GapFinder) -> None:
    linked = Fact(id="t.link", text="직업전문교육(www.ncc.or.kr): 구직상담을 해요.")
    assert gaps.unstated("직업전문교육 위치가 어디예요", linked) == "place"
    assert gaps.unstated("직업전문교육 홈페이지 주소 알려주세요", linked) is None
    assert gaps.unstated("센터 몇 층이에요", WHERE) is None


def test_a_gap_sentence_asking_what_the_question_asks_answers(gaps: GapFinder) -> None:
    consent = Fact(id="t.consent", text="보안서약서는 항목을 선택하고 첨부파일을 첨부해요.\n"
                                         "어떤 파일을 첨부하는지는 매뉴얼에 나와 있지 않아요.")
    assert gaps.gap_answer("보안서약서 첨부파일은 어떤 파일 올려야 돼요?", consent)
    assert not gaps.gap_answer("보안서약서는 어떻게 첨부해요?", consent)


HOME = Fact(id="t.home", text="문서에는 센터 위치(성동구청 3층, 2016.1.15. 1층에서 이전)와 "
            "홈페이지(job.seoul.go.kr)가 나와 있어요.\n준비물, 운영시간, 전화번호는 문서에 없어요.\n"
            "지금 이용 방법은 사는 곳 구청 일자리센터에 확인해 주세요.")
ASK = Fact(id="t.ask", text="문의는 각 학과 담당 컨설턴트에게 하면 돼요.\n"
           "이 안내서에는 컨설턴트 이름이나 연락처가 나와 있지 않아요.\n대학일자리플러스센터에 확인해 주세요.")
OFFICE = Fact(id="t.office", text="여기 없는 내용은 통합지원센터에 문의해 주세요.\n"
              "매뉴얼에는 두 곳의 전화번호가 나와 있지 않아요.")
SINCE = Fact(id="t.since", text="문서에 따르면 2015년부터 재직자를 대상으로 처음 도입했어요.")
JOBDAY = Fact(id="t.jobday", text="2016년 계획에서 '일 잡는 데이'는 월 2회 열 계획이었어요.")


def test_a_date_inside_a_sentence_does_not_end_it() -> None:
    from knowledge.answering.gaps import sentences
    assert len(sentences(HOME.text)) == 3  # "2016.1.15. 1층에서 이전" is one sentence with what it dates


def test_a_sentence_sending_elsewhere_is_a_gap_only_after_one() -> None:
    gaps = GapFinder([HOME, ASK], LEX)
    # the home page is stated; "… 구청 일자리센터에 확인해 주세요" after "전화번호는 문서에 없어요" is not the answer
    assert not gaps.gap_answer("희망일자리센터 홈페이지 주소", HOME)
    # words matching no sentence: the fact's first sentence answers, not its last
    assert not gaps.gap_answer("재맞고 하다가 궁금한거 생기면 누구한테 물어봐요", ASK)
    assert gaps.gap_answer("희망일자리센터 운영시간 몇시까지예요", HOME)


def test_an_aspect_named_only_where_the_fact_says_it_is_silent_is_unstated() -> None:
    gaps = GapFinder([OFFICE], LEX)
    assert gaps.unstated("통합지원센터 전화번호가 뭐예요?", OFFICE) == "phone"
    assert gaps.admits("통합지원센터 전화번호가 뭐예요?", OFFICE)  # … and the fact says so
    assert not gaps.admits("통합지원센터 전화번호가 뭐예요?", SINCE)


def test_a_year_tells_since_when_but_no_date() -> None:
    gaps = GapFinder([SINCE, JOBDAY], LEX)
    assert gaps.unstated("생애경력설계는 언제부터 시작된 서비스예요?", SINCE) is None
    assert gaps.unstated("다음 일잡는데이 날짜 언제에요", JOBDAY) == "date"


def test_a_counter_glued_to_a_number_word_is_no_uncovered_noun() -> None:
    gaps = GapFinder([SINCE], LEX)
    assert "개야" not in gaps.uncovered("경력개발 유형 몇개야")
    assert "세금" in gaps.uncovered("수당은 세금 떼고 들어와요?")


def test_the_lexicons_own_words_and_who_is_meant_are_not_uncovered() -> None:
    gaps = GapFinder([SINCE], LEX)
    assert gaps.uncovered("폰으로 인증 끝났는데 그담엔?") == []  # "그담" is how the lexicon hears "what next"
    # an honorific self-description of someone else ("아버지가 58세신데") says who, not what
    assert "아버지" not in gaps.uncovered("저희 아버지가 58세신데 생애경력설계 받을 수 있나요")
    assert gaps.counters("무료 동영상 강의 몇개임") == {"개임"}


def test_a_mobile_number_states_the_phone_aspect() -> None:
    fact = Fact(id="t.phone", text="※ 담당자 개인 휴대폰번호는 피하고 직통번호를 적어요.")
    assert GapFinder([fact], LEX).unstated("담당자 연락처에 제 핸드폰번호 써도 되나요", fact) is None


@pytest.mark.parametrize("question", ["상담 받으면 상담료가 따로 있나요?", "수수료 있어요?", "가입비 내야 돼요?"])
def test_a_fee_asked_is_the_cost_a_fact_must_state(gaps: GapFinder, question: str) -> None:
    # 상담료, 수수료 … ask what it costs: a fact that only says where to get counselling states no cost
    assert gaps.unstated(question, CENTRE) == "cost"


@pytest.mark.parametrize(("question", "aspect"), [
    ("워크넷 비번 까먹었는데 어떻게 찾아요", "password"),
    ("수당은 언제 입금돼요?", "payday"),
    ("센터 상담 예약은 어떻게 해요?", "booking"),
    ("센터 점심시간에도 해요?", "hours"),
    ("성동구 안 사는데 이용해도 돼요?", "residence"),
    # what a question names of its own (subject_aspects): a certificate, another language, a tax ...
    ("과정 다 들으면 수료증 나와요?", "certificate"),
    ("보고서 영어로도 볼 수 있나요", "language"),
    ("수당 받으면 국가장학금에 영향 있나요", "other_benefits"),
    ("신분증이 여권밖에 없는데 돼요?", "id_document"),
    ("졸업하고도 계속 할 수 있어요?", "graduation"),
    ("앱은 어디서 다운받아요?", "app"),
])
def test_what_the_guides_never_describe_is_unstated(gaps: GapFinder, question: str, aspect: str) -> None:
    assert gaps.unstated(question, CENTRE) == aspect


def test_a_fact_that_states_what_is_named_answers_it(gaps: GapFinder) -> None:
    issued = Fact(id="t.cert", text="수료증은 마이페이지 '증명서 발급현황'에서 신청해요.")
    assert gaps.unstated("수료증은 어디서 받아요?", issued) is None
    assert gaps.states_asked("수료증은 어디서 받아요?", issued)
    # a sentence saying the sources are silent states nothing
    assert gaps.unstated("예약 일정 바꿀 수 있어요?", Fact(id="t.b", text="예약 변경은 안내서에 나와 있지 않아요.")) \
        == "reschedule"


def test_a_named_aspect_stays_the_questions_topic() -> None:
    # subject_aspects are no cue words: keep_topic leaves them in the question's topic
    cues = {a for _, asks, _ in (*LEX.aspects, *LEX.topic_aspects) for a in asks}
    assert "수료증" not in cues and any("수료증" in asks for _, asks, _ in LEX.subject_aspects)
