"""Brief -> analysis -> one CoverPlan per cover.

Read top to bottom: the brief is analysed once (language, keywords, genre, mood, motifs,
concept); then each cover gets a style from the policy, a palette, its motifs, a composition
and a type layout, and a prompt. Everything is a pure function of (brief, count, seed, style,
policy).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sleeve.core.brief import Brief
from sleeve.core.concept import concept_line, cover_motifs, fallback_motifs, scene
from sleeve.core.genres import GenreFamily, genre_family
from sleeve.core.keywords import rank, terms
from sleeve.core.language import PlanLanguage, brief_language
from sleeve.core.layout import composition_for, type_layout_for
from sleeve.core.lexicon import DRAWABLE_MOTIFS, LexiconEntry, Motif, Tone, lookup
from sleeve.core.mood import estimate_mood
from sleeve.core.palette import palette_order
from sleeve.core.plan import AudioFeatures, CoverPlan, Mood
from sleeve.core.prompt import build_prompt
from sleeve.core.style_policy import DEFAULT_POLICY, StylePolicy, choose_styles
from sleeve.core.styles import check_style
from sleeve.core.track import fold_mood, motion_tempo

MAX_PLANS = 64
# How much each part of the brief says about the picture: the title is the song's own
# summary, the album frames it.
_TITLE_WEIGHT, _ALBUM_WEIGHT, _LYRICS_WEIGHT = 2.0, 0.7, 1.0
_KEYWORDS = 12
_ROMANTIC_MOTIFS: frozenset[Motif] = frozenset({"heart", "flower"})


@dataclass(frozen=True, slots=True)
class Analysis:
    language: PlanLanguage
    keywords: tuple[str, ...]
    genre_family: GenreFamily
    mood: Mood
    motifs: tuple[Motif, ...]  # strongest first; from the text, else fitting the genre/mood
    motifs_from_text: bool
    drawn_motifs: tuple[Motif, ...]  # the drawable ones among them, else genre/mood ones
    concept: str
    tones: tuple[tuple[Tone, float], ...]  # share of lexicon words hinting each tone
    imagery: tuple[str, ...]  # the keywords as English imagery, for prompts


def _weighted_terms(brief: Brief) -> list[tuple[str, float]]:
    return [
        *((t, _TITLE_WEIGHT) for t in terms(brief.title)),
        *((t, _ALBUM_WEIGHT) for t in terms(brief.album)),
        *((t, _LYRICS_WEIGHT) for t in terms(brief.lyrics)),
    ]


def _ranked_motifs(hits: Sequence[tuple[LexiconEntry, float]]) -> list[Motif]:
    scores: dict[Motif, float] = {}
    for entry, weight in hits:
        if entry.motif:
            scores[entry.motif] = scores.get(entry.motif, 0.0) + weight
    return sorted(scores, key=lambda m: -scores[m])  # stable: first seen wins ties


def _tone_shares(hits: Sequence[tuple[LexiconEntry, float]]) -> dict[Tone, float]:
    totals: dict[Tone, float] = {}
    for entry, weight in hits:
        if entry.tone:
            totals[entry.tone] = totals.get(entry.tone, 0.0) + weight
    total = sum(w for _, w in hits) or 1.0
    return {tone: round(w / total, 3) for tone, w in totals.items()}


def analyze(brief: Brief) -> Analysis:
    """What the brief is about: language, keywords, genre family, mood, motifs, concept."""
    weighted = _weighted_terms(brief)
    ranked_keywords = rank(weighted, _KEYWORDS)
    hits = [(entry, w) for t, w in weighted if (entry := lookup(t)) is not None]
    family = genre_family(brief.genre)
    motifs = _ranked_motifs(hits)
    romantic = bool(_ROMANTIC_MOTIFS.intersection(motifs[:2]))
    mood = estimate_mood(hits, family, romantic=romantic)
    from_text = bool(motifs)
    if not from_text:
        motifs = list(fallback_motifs(family, mood))
    drawn = [m for m in motifs if m in DRAWABLE_MOTIFS] or list(fallback_motifs(family, mood))
    imagery: list[str] = []
    for keyword in ranked_keywords:
        entry = lookup(keyword.word)
        phrase = entry.english if entry else keyword.word
        # Unknown Korean or Japanese words cannot be rendered into an English prompt.
        if (entry or keyword.word.isascii()) and phrase not in imagery:
            imagery.append(phrase)
    return Analysis(
        language=brief_language(brief),
        keywords=tuple(k.word for k in ranked_keywords),
        genre_family=family,
        mood=mood,
        motifs=tuple(motifs),
        motifs_from_text=from_text,
        drawn_motifs=tuple(drawn),
        concept=concept_line(motifs[:2], mood),
        tones=tuple(sorted(_tone_shares(hits).items())),
        imagery=tuple(imagery),
    )


def _rng(*keys: int) -> np.random.Generator:
    # SeedSequence wants non-negative entropy; negative seeds are folded in, not rejected.
    return np.random.default_rng([k % 2**63 for k in keys])


def _resolve_style(style: str | None) -> str | None:
    if style is None:
        return None
    return check_style(style.strip().lower())


# Separate random streams so that, say, adding a palette never reshuffles the styles.
_STYLE_STREAM, _PALETTE_STREAM, _COVER_STREAM = 1, 2, 3


def plan_covers(
    brief: Brief,
    count: int,
    seed: int,
    style: str | None = None,
    policy: StylePolicy = DEFAULT_POLICY,
    audio: AudioFeatures | None = None,
    styles: Sequence[str] | None = None,
) -> list[CoverPlan]:
    """``count`` plans for ``brief``; cover *i*'s own choices come from seed ``seed + i``.

    Styles are drawn for the batch at once (from ``seed``) so its covers differ; ``style``
    forces one style for all; ``styles`` gives each cover its own (a learnt policy's draw,
    sleeve.learn). ``audio``, the track's features, moves the mood before anything is chosen
    from it. Same arguments, same plans.
    """
    if not 1 <= count <= MAX_PLANS:
        raise ValueError(f"count must be between 1 and {MAX_PLANS}, got {count}")
    if styles is not None and len(styles) != count:
        raise ValueError(f"styles: expected {count}, got {len(styles)}")
    forced = _resolve_style(style)
    analysis = analyze(brief)
    family, mood = analysis.genre_family, analysis.mood
    if audio is not None:
        mood = fold_mood(mood, audio)
    # The brief is part of every seed: two ballads at seed 1 should not get the same covers.
    key = int(brief.digest()[:16], 16)
    if forced:
        chosen = [forced] * count
    elif styles is not None:
        chosen = [check_style(s) for s in styles]
    else:
        chosen = choose_styles(policy, family, mood, count, _rng(seed, _STYLE_STREAM, key))
    tones = dict(analysis.tones)
    palettes = palette_order(family, mood, tones, _rng(seed, _PALETTE_STREAM, key))
    plans: list[CoverPlan] = []
    for index, cover_style in enumerate(chosen):
        rng = _rng(seed + index, _COVER_STREAM, key)
        palette = palettes[index % len(palettes)]
        motifs = cover_motifs(analysis.drawn_motifs, index)
        prompt, negative = build_prompt(
            scene=scene(motifs), imagery=analysis.imagery, palette=palette, style=cover_style,
            mood=mood,
        )
        plans.append(
            CoverPlan(
                title=brief.title,
                artist=brief.artist,
                album=brief.album,
                language=analysis.language,
                genre=brief.genre,
                genre_family=family,
                style=cover_style,
                palette=palette,
                mood=mood,
                motifs=list(motifs),
                keywords=list(analysis.keywords),
                concept=concept_line(motifs, mood),
                composition=composition_for(cover_style, rng),
                type_layout=type_layout_for(cover_style, family, mood, brief.title, rng),
                prompt=prompt,
                negative_prompt=negative,
                audio=audio,
                motion_tempo_bpm=motion_tempo(audio) if audio is not None else None,
            )
        )
    return plans
