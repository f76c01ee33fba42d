"""A week of Sleeve activity (and the weeks before it), written through the DB models."""

from __future__ import annotations

import io
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from PIL import Image

from sleeve.config import Settings
from sleeve.db.engine import make_engine, make_session_factory, transaction
from sleeve.db.models import BriefRow, Cover, Job, ModelVersion, Review, User
from sleeve.storage import BlobStore

GENRES = ("ballad", "hiphop", "rock", "city pop")
STYLES = ("aurora", "swiss", "riso", "nebula")


@dataclass
class Seeded:
    jobs: int = 0
    covers: int = 0
    failed: int = 0
    reviews: list[int] = field(default_factory=list)
    best_cover: str = ""


def _image(rng: random.Random) -> bytes:
    colour = tuple(rng.randrange(256) for _ in range(3))
    out = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(out, "JPEG")
    return out.getvalue()


def seed_week(settings: Settings, until: datetime, *, scale: int = 1) -> dict[str, Seeded]:
    """Activity in [until − 7 d, until) ("current") and the week before ("previous")."""
    rng = random.Random(until.toordinal())
    sessions = make_session_factory(make_engine(settings.database_url))
    store = BlobStore(settings.storage_url)
    seeded = {"current": Seeded(), "previous": Seeded()}
    with transaction(sessions) as session:
        reviewers = [User(email=f"r{uuid.uuid4().hex[:10]}@example.com") for _ in range(6)]
        owner = User(email=f"o{uuid.uuid4().hex[:10]}@example.com")
        session.add_all([owner, *reviewers])
        session.flush()
        best = (-1.0, "")
        for week, label in ((0, "current"), (1, "previous")):
            start = until - timedelta(days=7 * (week + 1))
            for n in range((12 if week == 0 else 8) * scale):
                at = start + timedelta(hours=rng.uniform(0, 167))
                genre = GENRES[n % len(GENRES)]
                engine = "diffusion" if n % 4 == 3 else "procedural"
                brief = BriefRow(user_id=owner.id, title=f"Song {n}", artist="Luna Vale",
                                 genre=genre, digest=uuid.uuid4().hex, created_at=at)
                session.add(brief)
                session.flush()
                failed = n % 6 == 5
                took = rng.uniform(2, 6) if engine == "procedural" else rng.uniform(20, 60)
                job = Job(user_id=owner.id, brief_id=brief.id, count=2, engine=engine,
                          seed=n, size=256, state="failed" if failed else "succeeded",
                          error=("engine crashed: CUDA out of memory" if engine == "diffusion"
                                 else "font missing for text") if failed else None,
                          created_at=at, finished_at=at + timedelta(seconds=took))
                session.add(job)
                session.flush()
                seeded[label].jobs += 1
                if failed:
                    seeded[label].failed += 1
                    continue
                for position in range(2):
                    key = f"covers/{uuid.uuid4().hex}.jpg"
                    store.put(key, _image(rng))
                    cover = Cover(user_id=owner.id, job_id=job.id, brief_id=brief.id,
                                  position=position, engine=engine,
                                  style=STYLES[(n + position) % len(STYLES)], genre=genre,
                                  seed=n, size=256, plan={"title": f"Song {n}",
                                                          "artist": "Luna Vale"},
                                  blob_key=key, digest="0" * 64, is_public=position == 0,
                                  created_at=at + timedelta(seconds=took))
                    session.add(cover)
                    session.flush()
                    seeded[label].covers += 1
                    ratings = [rng.choice((3, 4, 5) if week == 0 else (2, 3, 4))
                               for _ in range(rng.randrange(0, 3))]
                    for reviewer, rating in zip(reviewers, ratings, strict=False):
                        session.add(Review(cover_id=cover.id, user_id=reviewer.id, rating=rating,
                                           created_at=at + timedelta(hours=1),
                                           updated_at=at + timedelta(hours=1)))
                        seeded[label].reviews.append(rating)
                    if ratings:
                        cover.rating_avg = sum(ratings) / len(ratings)
                        cover.rating_count = len(ratings)
                        if week == 0 and cover.is_public and (cover.rating_avg, len(ratings)) > (
                                best[0], 0):
                            best = (cover.rating_avg, cover.id)
        seeded["current"].best_cover = best[1]
        # v1 promoted, v2 promoted over it, then v1 back: a promotion and a rollback this week.
        kind = f"policy-{uuid.uuid4().hex[:6]}"
        old = ModelVersion(kind=kind, version="v1", state="promoted",
                           created_at=until - timedelta(days=30),
                           promoted_at=until - timedelta(days=1))
        new = ModelVersion(kind=kind, version="v2", state="retired",
                           created_at=until - timedelta(days=5),
                           promoted_at=until - timedelta(days=3))
        session.add_all([old, new])
    return seeded
