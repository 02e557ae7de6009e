"""Small meeting rules: host actions on offer, messages for people."""

from __future__ import annotations

from app.core.meeting.signaling_client import SignalingError
from app.viewmodels.host_actions import actions_for, all_actions
from app.viewmodels.meeting_text import chat_problem, join_problem, removed_message, role_message
from protocol.meeting_types import Participant

GRACE = Participant(id="g", user_id=2, name="Grace", role="attendee", mic=True)
ORGANISER = Participant(id="a", user_id=1, name="Ada", role="host", camera=True)


def test_host_actions_follow_the_target() -> None:
    offered = {(i.action, i.role): i.enabled for i in actions_for(GRACE, "a", 1)}
    assert offered[("ask_mute", "")] and not offered[("stop_camera", "")]
    assert offered[("promote", "host")] and offered[("promote", "presenter")]
    assert not offered[("demote", "")] and offered[("remove", "")]
    assert actions_for(ORGANISER, "a", 1) == []  # nothing for yourself
    organiser = {(i.action, i.role): i.enabled for i in actions_for(ORGANISER, "g", 1)}
    assert not organiser[("remove", "")] and not organiser[("demote", "")]
    assert organiser[("stop_camera", "")]
    assert not any(item.enabled for item in all_actions())


def test_messages() -> None:
    assert "no meeting" in join_problem(SignalingError("no_such_meeting", "x"))
    assert "ended" in join_problem(SignalingError("meeting_ended", "x"))
    assert "did not answer" in join_problem(TimeoutError())
    assert removed_message("the meeting has ended") == "The host ended the meeting for everyone."
    assert removed_message("removed by a host") == "A host removed you from the meeting."
    assert "co-host" not in role_message("host") and "host" in role_message("host")
    assert chat_problem("   ") is None
    assert chat_problem("hello") == ""
    assert "too long" in str(chat_problem("é" * 9000))
