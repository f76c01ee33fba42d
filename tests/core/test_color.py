import pytest

from sleeve.core.color import color_name, contrast_ratio, relative_luminance


def test_luminance_of_black_and_white() -> None:
    assert relative_luminance((0, 0, 0)) == 0.0
    assert relative_luminance((255, 255, 255)) == pytest.approx(1.0)


def test_contrast_matches_wcag_reference_values() -> None:
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio((40, 90, 200), (40, 90, 200)) == pytest.approx(1.0)


def test_contrast_is_symmetric() -> None:
    a, b = (27, 42, 65), (244, 239, 230)
    assert contrast_ratio(a, b) == contrast_ratio(b, a)


@pytest.mark.parametrize(
    ("rgb", "name"),
    [
        ((0, 0, 0), "black"),
        ((255, 255, 255), "white"),
        ((27, 42, 65), "deep blue"),
        ((220, 30, 40), "red"),
        ((128, 128, 128), "grey"),
        ((243, 233, 210), "cream"),
    ],
)
def test_color_names(rgb: tuple[int, int, int], name: str) -> None:
    assert color_name(rgb) == name
