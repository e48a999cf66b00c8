"""Drafts of forms (handlers.forms): what a person has answered so far, one row per person and form.

A draft is kept apart from the conversation state, so that a detour through the menu, another
channel or a restart loses nothing: the form goes on from its first unanswered field."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, JSONType, UTCDateTime, utcnow

FORM_NAME_LENGTH = 32


class FormDraft(Base):
    __tablename__ = "form_drafts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    form: Mapped[str] = mapped_column(String(FORM_NAME_LENGTH), primary_key=True)  # "report", ...
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # JSON only
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
