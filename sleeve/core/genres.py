"""Genre text (English or Korean, as typed) -> one canonical genre family.

Matching ignores case, spaces and punctuation ("K-pop", "k pop", "kpop"; "hip-hop",
"Hip Hop"), and finds genres inside longer labels ("dark synthwave", "indie folk"). When a
label names several genres the most specific wins (synthwave over pop, metal over rock); among
equally specific ones the last wins, because a genre phrase ends in its head ("indie folk" is
folk, "pop rock" is rock).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

GenreFamily = Literal[
    "ballad", "dance", "hiphop", "rnb", "indie", "rock", "metal", "trot", "folk",
    "electronic", "techno", "synthwave", "jazz", "classical", "lofi", "ambient", "ost", "pop",
    "unknown",
]

GENRE_FAMILIES: tuple[GenreFamily, ...] = (
    "ballad", "dance", "hiphop", "rnb", "indie", "rock", "metal", "trot", "folk",
    "electronic", "techno", "synthwave", "jazz", "classical", "lofi", "ambient", "ost", "pop",
    "unknown",
)

# Specificity: a sub-genre beats the broad family it modifies.
_SPECIFIC, _MIDDLE, _BROAD = 3, 2, 1

# family -> (specificity, aliases). Aliases are written in their compact form: lowercase,
# no spaces or punctuation, "&" read as "n" (so "R&B" is "rnb").
_ALIASES: dict[GenreFamily, tuple[int, tuple[str, ...]]] = {
    "synthwave": (_SPECIFIC, (
        "synthwave", "retrowave", "outrun", "darksynth", "vaporwave", "chillwave", "신스웨이브",
    )),
    "lofi": (_SPECIFIC, ("lofi", "lofihiphop", "chillhop", "jazzhop", "로파이")),
    "trot": (_SPECIFIC, ("trot", "trott", "teuroteu", "enka", "트로트", "성인가요")),
    "metal": (_SPECIFIC, (
        "metal", "heavymetal", "blackmetal", "deathmetal", "metalcore", "doom", "thrash",
        "djent", "메탈",
    )),
    "techno": (_SPECIFIC, ("techno", "minimaltechno", "acidtechno", "테크노")),
    "ambient": (_SPECIFIC, ("ambient", "drone", "newage", "앰비언트", "뉴에이지")),
    "ost": (_SPECIFIC, (
        "ost", "soundtrack", "originalsoundtrack", "filmscore", "score", "드라마ost", "사운드트랙",
    )),
    "hiphop": (_MIDDLE, (
        "hiphop", "rap", "trap", "boombap", "drill", "grime", "krap", "khiphop", "랩", "힙합",
        "랩힙합", "트랩",
    )),
    "rnb": (_MIDDLE, (
        "rnb", "rb", "soul", "neosoul", "rhythmandblues", "funk", "알앤비", "소울", "네오소울",
    )),
    "jazz": (_MIDDLE, ("jazz", "bebop", "swing", "bossanova", "smoothjazz", "재즈", "보사노바")),
    "classical": (_MIDDLE, (
        "classical", "orchestral", "orchestra", "baroque", "neoclassical", "opera",
        "piano", "chamber", "클래식", "클래식음악", "오케스트라", "피아노",
    )),
    "ballad": (_MIDDLE, ("ballad", "powerballad", "kballad", "발라드")),
    "dance": (_MIDDLE, (
        "dance", "kpop", "jpop", "idol", "disco", "dancepop", "eurodance", "댄스", "케이팝",
        "아이돌", "디스코", "케이팝댄스",
    )),
    "electronic": (_BROAD, (
        "electronic", "electronica", "electro", "edm", "house", "deephouse", "trance",
        "dubstep", "dnb", "drumnbass", "idm", "synth", "synthpop", "electropop", "일렉트로니카",
        "일렉트로닉", "일렉트로", "하우스", "이디엠",
    )),
    "rock": (_BROAD, (
        "rock", "rocknroll", "punk", "poprock", "altrock", "alternative", "grunge", "hardrock",
        "shoegaze", "emo", "록", "락", "펑크", "모던록", "얼터너티브",
    )),
    "folk": (_BROAD, (
        "folk", "blues", "country", "americana", "acoustic", "bluegrass", "singersongwriter",
        "포크", "블루스", "어쿠스틱", "컨트리",
    )),
    "indie": (_BROAD, ("indie", "indiepop", "indierock", "bedroompop", "인디", "인디음악")),
    "pop": (_BROAD, ("pop", "hyperpop", "citypop", "teenpop", "팝", "가요", "시티팝")),
}

# The Korean chart labels read as one family each, although they name two genres.
_EXACT: dict[str, GenreFamily] = {
    "록메탈": "rock",
    "포크블루스": "folk",
    "랩힙합": "hiphop",
    "rnbsoul": "rnb",
    "알앤비소울": "rnb",
    "일렉트로니카": "electronic",
}

_LOOKUP: dict[str, tuple[GenreFamily, int]] = {
    alias: (family, rank) for family, (rank, aliases) in _ALIASES.items() for alias in aliases
}
_TOKEN = re.compile(r"[^\W_]+")
_MAX_NGRAM = 4
# Latin aliases this long are also found inside a token ("darksynthwave"); shorter ones
# ("rap", "ost", "emo") must be a whole token or token run, or "trap" and "ghost" would match.
_MIN_INNER = 5


def _tokens(text: str) -> list[str]:
    lowered = unicodedata.normalize("NFKC", text).casefold().replace("&", "n")
    return _TOKEN.findall(lowered)


def _is_hangul(alias: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in alias)


def genre_family(genre: str) -> GenreFamily:
    """The canonical family for a genre label; ``"unknown"`` when nothing is recognised."""
    tokens = _tokens(genre)
    if not tokens:
        return "unknown"
    compact = "".join(tokens)
    if compact in _EXACT:
        return _EXACT[compact]
    if compact in _LOOKUP:
        return _LOOKUP[compact][0]
    # (rank, end position, length, family): the best match is the maximum.
    matches: list[tuple[int, int, int, GenreFamily]] = []
    starts = [sum(len(t) for t in tokens[:i]) for i in range(len(tokens))]
    for i in range(len(tokens)):
        for n in range(1, min(_MAX_NGRAM, len(tokens) - i) + 1):
            span = "".join(tokens[i : i + n])
            hit = _LOOKUP.get(span)
            if hit:
                matches.append((hit[1], starts[i] + len(span), len(span), hit[0]))
    for alias, (family, rank) in _LOOKUP.items():
        if not (_is_hangul(alias) or len(alias) >= _MIN_INNER):
            continue
        at = compact.rfind(alias)
        if at >= 0:
            matches.append((rank, at + len(alias), len(alias), family))
    if not matches:
        return "unknown"
    return max(matches)[3]
