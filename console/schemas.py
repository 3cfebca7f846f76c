"""What the console accepts over HTTP, validated before anything is stored.

Handoff records are validated leniently on enumerations: the action server retries a refused
record from its outbox forever, so a reason or channel this console does not know yet is stored
as given (priority falls back to normal) instead of being bounced and retried.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, validator

from console.queue import PRIORITIES, TEAMS

MAX_REPLY_CHARS = 2000


class PatientIn(BaseModel):
    verified: bool = False
    patient_id: str | None = Field(None, max_length=128)
    name: str | None = Field(None, max_length=200)

    def stored(self) -> dict[str, Any]:
        if not self.verified:
            return {"verified": False}
        return {"verified": True, "patient_id": self.patient_id, "name": self.name}


class HandoffIn(BaseModel):
    handoff_id: str = Field(..., regex=r"^[A-Za-z0-9_.:-]{1,64}$")
    conversation_id: str = Field(..., min_length=1, max_length=255)
    reason: str = Field("request_human", min_length=1, max_length=32)
    priority: str = "normal"
    team: str = "front_desk"
    channel: str = Field("web", min_length=1, max_length=16)
    summary: str = Field("", max_length=4000)
    patient: PatientIn = Field(default_factory=PatientIn)
    created_at: str | None = Field(None, max_length=64)

    @validator("priority", pre=True, always=True)
    def _known_priority(cls, value: Any) -> str:
        return value if value in PRIORITIES else "normal"

    @validator("team", pre=True, always=True)
    def _known_team(cls, value: Any) -> str:
        return value if value in TEAMS else "front_desk"

    def stored(self) -> dict[str, Any]:
        data = self.dict()
        data["patient"] = self.patient.stored()
        return data


class RatingIn(BaseModel):
    score: int = Field(..., ge=1, le=5)
    comment: str | None = Field(None, max_length=2000)
    conversation_id: str | None = Field(None, max_length=255)


class ReplyIn(BaseModel):
    text: str

    @validator("text")
    def _sensible(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("the message is empty")
        if len(value) > MAX_REPLY_CHARS:
            raise ValueError(f"the message is longer than {MAX_REPLY_CHARS} characters")
        return value


class LoginIn(BaseModel):
    username: str = Field(..., min_length=1, max_length=64)
    password: str = Field(..., min_length=1, max_length=1024)


class WithdrawIn(BaseModel):
    conversation_id: str | None = Field(None, max_length=255)
