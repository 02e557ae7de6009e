"""Which host actions make sense for a participant, with the words the menus show."""

from __future__ import annotations

from dataclasses import dataclass

from protocol.meeting_types import Participant


@dataclass(frozen=True)
class HostActionItem:
    """One menu entry: the protocol action, the role for promote, and its label."""

    action: str
    role: str
    label: str
    enabled: bool = True
    dangerous: bool = False


def actions_for(target: Participant, you: str, organiser_user_id: int) -> list[HostActionItem]:
    """What a host can do to `target` (nothing to yourself: use your own toolbar)."""
    if target.id == you:
        return []
    organiser = target.user_id == organiser_user_id
    items = [
        HostActionItem("ask_mute", "", "Ask to mute", target.mic),
        HostActionItem("stop_camera", "", "Stop video", target.camera),
        HostActionItem("stop_screen", "", "Stop sharing", target.screen),
        HostActionItem("promote", "host", "Make co-host", target.role != "host"),
        HostActionItem("promote", "presenter", "Make presenter", target.role != "presenter"),
        HostActionItem("demote", "", "Make attendee", target.role != "attendee" and not organiser),
        HostActionItem("remove", "", "Remove…", not organiser, dangerous=True),
    ]
    return items


def all_actions() -> list[HostActionItem]:
    """Every per-participant action, disabled (for laying out buttons)."""
    nobody = Participant(id="", user_id=-1, name="", role="attendee")
    return [
        HostActionItem(i.action, i.role, i.label, False, i.dangerous)
        for i in actions_for(nobody, "-", 0)
    ]


END_MEETING = HostActionItem("end_meeting", "", "End meeting for all…", dangerous=True)
# A host's Leave asks which: leave (the meeting goes on for the others), or end it for everyone.
LEAVE_ONLY = "Leave meeting"
END_FOR_EVERYONE = HostActionItem("end_meeting", "", "End for everyone", dangerous=True)
