"""``/v1/subjects``: a musician's own face."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from sleeve.core.fields import Name, StrictBody
from sleeve.schemas.base import View


class SubjectView(View):
    id: str
    name: str
    state: str
    created_at: datetime


class NewSubject(StrictBody):
    name: Annotated[Name, Field(min_length=1, max_length=100)]
