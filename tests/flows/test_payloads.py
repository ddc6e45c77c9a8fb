"""The payload grammar: every type round-trips, old buttons still decode the same, malformed input
decodes to None, and a payload that could not travel fails when it is made."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows import payloads as P

fields = st.text(st.characters(blacklist_characters=":", blacklist_categories=("Cs",)), min_size=1, max_size=20)


def instances(kind: type[P.Payload]) -> st.SearchStrategy[P.Payload]:
    args = {}
    for f in dataclasses.fields(kind):
        strategy: st.SearchStrategy = st.integers(0, 999) if f.name == "part" else fields
        args[f.name] = strategy if f.default is dataclasses.MISSING else st.one_of(st.none(), strategy)
    return st.builds(kind, **args).map(
        lambda p: dataclasses.replace(p, part=1) if isinstance(p, P.JobReport) and p.part is None else p
    )


any_payload = st.one_of([instances(kind) for kind in P.PAYLOAD_TYPES])


@given(any_payload)
def test_every_payload_round_trips_or_refuses_to_encode(payload: P.Payload) -> None:
    try:
        wire = payload.encode()
    except ValueError:
        assert len(":".join([payload.verb, *payload.fields()]).encode("utf-8")) > P.MAX_BYTES  # only reason
        return
    assert len(wire.encode("utf-8")) <= P.MAX_BYTES
    assert P.decode(wire) == payload


@given(st.text(max_size=80))
def test_decode_never_raises_and_what_it_accepts_encodes_back(text: str) -> None:
    payload = P.decode(text)
    if payload is not None and len(text.encode("utf-8")) <= P.MAX_BYTES:
        assert P.decode(payload.encode()) == payload


OLD_BUTTONS = {
    "m": P.Menu(), "m:student": P.Menu("student"), "f:worknet_signup": P.StartFlow("worknet_signup"),
    "f:worknet_signup:already_joined": P.StartFlow("worknet_signup", "already_joined"),
    "n:worknet_signup:signup_open": P.Next("worknet_signup", "signup_open"), "b:a:b": P.Back("a", "b"),
    "o:jobseeker_check:asked:yes": P.Option("jobseeker_check", "asked", "yes"), "r": P.Resume(), "h": P.Home(),
    "x": P.Stop(), "p": P.Progress(), "d:apply": P.MarkDone("apply"), "u:apply": P.MarkUndone("apply"),
    "i:worknet_signup": P.Clarify("worknet_signup"), "c": P.Handoff(), "a:center": P.Action("center"),
    "a:jobs": P.Action("jobs"), "y": P.Yes(), "no": P.No(), "j": P.JobAsk(), "j:s": P.JobAsk(),
    "j:d:1332": P.JobDetails("1332"), "j:a:1332": P.JobAdd("1332"), "j:c": P.JobCompare(), "j:x": P.JobClear(),
    "j:r:1332": P.JobReport("1332", 1), "j:r:1332:2": P.JobReport("1332", 2), "j:p": P.JobProfile(),
    "j:e:majors": P.JobEdit("majors"), "j:rec": P.JobRecommend(), "j:del": P.JobDeleteProfile(),
}


@pytest.mark.parametrize(("wire", "expected"), OLD_BUTTONS.items())
def test_buttons_already_in_chats_decode_as_before(wire: str, expected: P.Payload) -> None:
    assert P.decode(wire) == expected


@pytest.mark.parametrize("wire", ["", "zz", "f:", "f", "n:a", "n:a:", "n:a:b:c", "o:a:b", "r:x", "d:", "no:x",
                                  "j:zz", "j:d", "j:r:1332:z", "j:r:1332:²", "j:s:extra", ":", "f::b"])
def test_malformed_payloads_decode_to_none(wire: str) -> None:
    assert P.decode(wire) is None


def test_encode_refuses_what_could_not_travel() -> None:
    with pytest.raises(ValueError):
        P.StartFlow("a" * 70).encode()
    with pytest.raises(ValueError):
        P.StartFlow("가" * 21).encode()  # 63 bytes of UTF-8 + "f:" = 65
    with pytest.raises(ValueError):
        P.Next("a:b", "c").encode()
    with pytest.raises(ValueError):
        P.MarkDone("").encode()
