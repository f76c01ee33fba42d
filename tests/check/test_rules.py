"""Each store rule, broken on purpose on a cover that otherwise passes: only that rule fails."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
import segno
from PIL import Image

from sleeve.check import check_cover
from sleeve.check.ocr import Word, ink_box, is_wordlike
from sleeve.check.rules import MAX_BYTES, forbidden_text, partial_ratio
from sleeve.photos import PhotoRejected
from tests.check.conftest import SIDE, draw_text, encode

TITLE, ARTIST = "Midnight Rain", "Luna Vale"


def test_the_untouched_cover_passes_every_rule(cover: Image.Image) -> None:
    report = check_cover(encode(cover), TITLE, ARTIST)
    assert report.passed, report.findings
    assert {"Midnight", "Rain", "Luna", "Vale"} <= set(report.words)


def test_a_web_address_fails_forbidden_text_only_and_is_boxed(cover: Image.Image) -> None:
    y = round(SIDE * 0.82)
    report = check_cover(encode(draw_text(cover, "www.lunavale.com", (110, y), 52)))
    assert report.failed_rules() == {"forbidden-text"}
    (finding,) = report.failures
    assert "web address" in finding.reason
    assert finding.box is not None and abs(finding.box[1] - y) < 40


@pytest.mark.parametrize(("text", "what"), [
    ("@lunavale", "social handle"), ("FREE DOWNLOAD", "advertising"), ("$9.99", "price"),
])
def test_handles_prices_and_advertising_fail_forbidden_text(
        cover: Image.Image, text: str, what: str) -> None:
    report = check_cover(encode(draw_text(cover, text, (110, round(SIDE * 0.8)), 64)))
    assert report.failed_rules() == {"forbidden-text"}
    assert any(what in f.reason for f in report.failures)


def test_a_qr_code_fails_the_qr_rule_only(cover: Image.Image) -> None:
    png = io.BytesIO()
    segno.make("https://example.com/presave", error="m").save(png, kind="png", scale=12,
                                                              border=4)
    code = Image.open(png)
    marked = cover.copy()
    marked.paste(code.convert("RGB"), (SIDE - code.width - 150, SIDE - code.height - 150))
    report = check_cover(encode(marked))
    assert report.failed_rules() == {"qr-code"}
    box = report.failures[0].box
    assert box is not None and box[0] > SIDE / 2 and box[1] > SIDE / 2


def test_a_cmyk_jpeg_fails_colour_mode_only(cover: Image.Image) -> None:
    report = check_cover(encode(cover.convert("CMYK"), "JPEG", quality=90), TITLE, ARTIST)
    assert report.failed_rules() == {"color-mode"}
    assert "CMYK" in report.failures[0].reason


def test_an_rgba_png_fails_colour_mode_only(cover: Image.Image) -> None:
    report = check_cover(encode(cover.convert("RGBA")), TITLE, ARTIST)
    assert report.failed_rules() == {"color-mode"}
    assert "alpha" in report.failures[0].reason


def test_1200_pixels_fails_dimensions_and_under_3000_only_warns(cover: Image.Image) -> None:
    small = check_cover(encode(cover.resize((1200, 1200))), TITLE, ARTIST)
    assert small.failed_rules() == {"dimensions"}
    assert check_cover(encode(cover), TITLE, ARTIST).rule_status("dimensions") == "warn"


def test_a_non_square_image_fails_square_only(cover: Image.Image) -> None:
    report = check_cover(encode(cover.crop((0, 0, SIDE, SIDE - 60))), TITLE, ARTIST)
    assert report.failed_rules() == {"square"}


def test_webp_fails_format_only(cover: Image.Image) -> None:
    report = check_cover(encode(cover, "WEBP", quality=90), TITLE, ARTIST)
    assert report.failed_rules() == {"format"}


def _with_private_chunk(png: bytes, size: int) -> bytes:
    """``png`` padded to ``size`` bytes with an ancillary chunk every decoder skips."""
    body = bytes(range(256)) * (size // 256 + 1)
    body = body[: size - len(png) - 12]
    chunk = struct.pack(">I", len(body)) + b"prVt" + body
    chunk += struct.pack(">I", zlib.crc32(b"prVt" + body))
    end = png.rindex(b"IEND") - 4
    return png[:end] + chunk + png[end:]


def test_a_12_mb_file_fails_file_size_only(cover: Image.Image) -> None:
    data = _with_private_chunk(encode(cover), 12_000_000)
    assert len(data) == 12_000_000 > MAX_BYTES
    report = check_cover(data, TITLE, ARTIST)
    assert report.failed_rules() == {"file-size"}


def test_text_at_the_edge_fails_text_margin_only(cover: Image.Image) -> None:
    report = check_cover(encode(draw_text(cover, "Midnight", (20, 30), 64)), TITLE, ARTIST)
    assert report.failed_rules() == {"text-margin"}
    box = report.failures[0].box
    assert box is not None and box[0] < SIDE * 0.05


def test_a_word_box_is_cut_to_its_ink_not_the_grain_beside_it(cover: Image.Image) -> None:
    """Tesseract's box can take in grain beside the type (landscape's title, 60 px from the
    top of an 800² cover, came boxed from 34 px); the margin rule judges the ink."""
    marked = draw_text(cover, "Midnight", (150, 300), 64)
    pixels = np.asarray(marked.convert("L"), dtype=np.int16)
    ink = np.argwhere(pixels[250:420, 100:600] < 100)
    corner = np.array([250, 100])
    (top, left), (bottom, right) = ink.min(axis=0) + corner, ink.max(axis=0) + corner + 1
    grain = np.random.default_rng(0).normal(0, 8, (85, 250)).astype(np.int16)
    pixels[200:370, 100:600] += np.repeat(np.repeat(grain, 2, axis=0), 2, axis=1)
    loose = (int(left) - 30, int(top) - 40, int(right) + 20, int(bottom) + 15)
    assert ink_box(pixels, loose) == (left, top, right, bottom)


@pytest.mark.parametrize(("text", "scripts", "word"), [
    ("ここ", frozenset({"latin"}), False),  # a grid's lines, on an English cover
    ("ここ", frozenset({"latin", "kana"}), True),
    ("ここで", frozenset({"latin"}), True),
    ("ll", frozenset({"latin"}), True),
])
def test_one_glyph_repeated_in_a_script_no_one_set_is_texture(
        text: str, scripts: frozenset[str], word: bool) -> None:
    assert is_wordlike(text, scripts) is word


def test_a_wrong_title_fails_metadata_text_only(cover: Image.Image) -> None:
    report = check_cover(encode(cover), "Summer Breeze", ARTIST)
    assert report.failed_rules() == {"metadata-text"}
    assert {f.reason.split("”")[0].lstrip("“") for f in report.failures} == {"Midnight", "Rain"}
    assert all(f.box is not None for f in report.failures)


def test_one_misread_letter_still_matches_the_metadata() -> None:
    assert partial_ratio("rian", "midnightrainlunavale") >= 0.75
    assert partial_ratio("summer", "midnightrainlunavale") < 0.75


@pytest.mark.parametrize(("data", "kind"), [
    (b"%PDF-1.7 not an image", "unsupported"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "invalid"),
    (b"\xff\xd8\xff\xe0" + b"garbage" * 10, "invalid"),
])
def test_unusable_files_are_rejected_before_any_rule(data: bytes, kind: str) -> None:
    with pytest.raises(PhotoRejected) as caught:
        check_cover(data)
    assert caught.value.kind == kind


def _words(*texts: str) -> list[Word]:
    """Words on one line, 100 px apart, as OCR would box them."""
    return [Word(text, 95.0, (100 + 120 * i, 700, 200 + 120 * i, 760))
            for i, text in enumerate(texts)]


@pytest.mark.parametrize(("texts", "what"), [
    (("mail:", "luna@vale.kr"), "e-mail address"),
    (("₩15,000",), "price"),
    (("https://luna.fm/new",), "web address"),
    (("Limited", "Edition"), "advertising"),
    (("무료",), "advertising"),
])
def test_forbidden_text_rules_on_read_words(texts: tuple[str, ...], what: str) -> None:
    (finding,) = forbidden_text(_words(*texts))
    assert what in finding.reason and finding.box is not None


def test_a_band_may_print_its_own_name_even_when_it_is_an_advertising_word() -> None:
    assert forbidden_text(_words("Free", "Spirits"), allowed="Wild Ride Free Spirits") == []
    assert forbidden_text(_words("Free", "Spirits")) != []
