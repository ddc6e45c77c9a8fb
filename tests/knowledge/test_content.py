"""Content loading: the shipped files are valid, and a broken file fails with its path and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.engine import REQUIRED_TEXTS
from flows.loader import load_domain
from knowledge.loader import ContentError, load_knowledge
from knowledge.retrieval import FactIndex


def write(dir_: Path, name: str, body: str) -> Path:
    path = dir_ / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


def test_shipped_content_and_flows_load_strictly(domain) -> None:
    assert len(domain.flows) >= 20
    assert set(domain.stages) == {"apply", "worknet", "jobcare", "assessments", "iap_booking", "iap_register"}
    assert all(t in domain.knowledge.texts for t in REQUIRED_TEXTS)


def test_every_link_is_an_address_printed_in_the_sources(domain, sources) -> None:
    if not sources.files():
        pytest.skip("shared/sources is not beside the checkout")
    corpus = "".join(p.read_text(encoding="utf-8") for p in sources.files().values())
    for fact in domain.knowledge.facts.values():
        if fact.link:
            host = fact.link.url.host or ""
            assert host.removeprefix("www.") in corpus, (fact.id, str(fact.link.url))


def test_a_bad_fact_names_file_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yml", "facts:\n  - id: a.b\n    text: ''\n")
    with pytest.raises(ContentError) as err:
        load_knowledge(tmp_path)
    assert str(path) in str(err.value) and "facts[0](id=a.b).text" in str(err.value)


def test_duplicate_fact_ids_and_bad_yaml_fail_loudly(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", "facts:\n  - {id: a.b, text: 하나}\n")
    write(tmp_path, "b.yml", "facts:\n  - {id: a.b, text: 둘}\n")
    with pytest.raises(ContentError, match="already defined"):
        load_knowledge(tmp_path)
    write(tmp_path, "b.yml", "facts: [\n")
    with pytest.raises(ContentError, match="not valid YAML"):
        load_knowledge(tmp_path)


def test_yes_and_no_stay_option_ids(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", "facts:\n  - id: a.q\n    text: 보여요?\n    options:\n      yes: 네\n      no: 아니요\n")
    assert list(load_knowledge(tmp_path).facts["a.q"].options) == ["yes", "no"]


def test_flow_references_are_checked(tmp_path: Path) -> None:
    content, flows = tmp_path / "content", tmp_path / "flows"
    write(content, "a.yml", "facts:\n  - {id: a.about, title: 가, text: 가}\n  - {id: a.one, text: 하나}\n")
    knowledge = load_knowledge(content)
    write(flows, "f.yml", "flows:\n  - id: ff\n    about: a.about\n    steps:\n      - say: a.missing\n")
    with pytest.raises(ContentError, match=r"flows\(ff\)\.steps\[0\]: no fact 'a.missing'"):
        load_domain(knowledge, flows)
    write(flows, "f.yml", "flows:\n  - id: ff\n    about: a.about\n    then: nowhere\n    steps:\n      - say: a.one\n")
    with pytest.raises(ContentError, match="no flow 'nowhere'"):
        load_domain(knowledge, flows)
    write(flows, "f.yml",
          "flows:\n  - id: ff\n    about: a.about\n    details: [elsewhere]\n    steps:\n      - say: a.one\n")
    with pytest.raises(ContentError, match=r"flows\(ff\)\.details: no flow 'elsewhere'"):
        load_domain(knowledge, flows)
    write(flows, "f.yml", "flows:\n  - id: ff\n    about: a.about\n    steps:\n      - ask: a.one\n")
    with pytest.raises(ContentError, match="has no `options`"):
        load_domain(knowledge, flows)
    write(flows, "f.yml", "flows:\n  - id: ff\n    about: a.about\n    steps:\n      - {say: a.one, ask: a.one}\n")
    with pytest.raises(ContentError, match="exactly one of"):
        load_domain(knowledge, flows)


def test_institution_placeholders_count_as_unset(tmp_path: Path) -> None:
    inst = write(tmp_path, "inst.yml", "school_name: <학교 이름>\nhours: 평일 09:00-18:00\n")
    knowledge = load_knowledge(Path(__file__).parent / "nothing-here", inst)
    assert knowledge.institution.school_name is None
    assert knowledge.institution.hours == "평일 09:00-18:00"


def test_retrieval_prefers_the_fact_asked_for(domain) -> None:
    index: FactIndex = domain.index
    assert index.search("이미가입되어있다고 떠요")[0].fact.id == "worknet.already_joined"
    assert index.search("구직신청하기 버튼이 안 떠요")[0].fact.id == "jobseeker.about"
    assert index.search("") == []


def test_shipped_institution_example_is_all_placeholders() -> None:
    example = Path(__file__).resolve().parents[2] / "knowledge" / "content" / "institution.example.yml"
    knowledge = load_knowledge(Path(__file__).parent / "nothing-here", example)
    assert knowledge.institution.model_dump(exclude_defaults=True) == {}
