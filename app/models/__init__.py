"""Qt item models (participants, chat, meetings, contacts); none needed yet."""
