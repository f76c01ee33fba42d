"""Korean and English: chosen from Accept-Language, switched by the visitor, remembered."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from sleeve.web.i18n import LANGUAGES, choose_language, messages
from tests.web.conftest import PASSWORD, check_page, new_email
from tests.web.server import SleeveServer


@pytest.mark.parametrize(("cookie", "header", "expected"), [
    (None, "ko-KR,ko;q=0.9,en-US;q=0.8", "ko"),
    (None, "en-GB,en;q=0.9", "en"),
    (None, "fr-FR,ko;q=0.5,en;q=0.4", "ko"),
    (None, "en;q=0.2,ko;q=0.8", "ko"),
    (None, "ko;q=0, en;q=0.1", "en"),
    (None, "de, fr", "en"),
    (None, None, "en"),
    ("ko", "en-US", "ko"),
    ("xx", "ko", "ko"),
])
def test_language_from_cookie_then_accept_language(cookie: str | None, header: str | None,
                                                   expected: str) -> None:
    assert choose_language(cookie, header) == expected


def test_catalogues_have_the_same_messages() -> None:
    keys = [set(messages(language)) for language in LANGUAGES]
    assert all(k == keys[0] for k in keys)
    assert all(messages(language)[key].strip() for language in LANGUAGES for key in keys[0])


def test_korean_browser_gets_korean_and_can_switch(make_page: Callable[..., Page],
                                                   server: SleeveServer) -> None:
    page = make_page(locale="ko-KR")
    page.goto(f"{server.url}/#/register")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.get_by_role("heading", name="계정 만들기")).to_be_visible()
    expect(page.get_by_role("navigation")).to_contain_text("갤러리")
    check_page(page, "register-ko")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="한국어")).to_be_visible()


def test_korean_create_page_explains_errors_in_korean(make_page: Callable[..., Page],
                                                      server: SleeveServer) -> None:
    page = make_page(locale="ko-KR")
    page.goto(f"{server.url}/#/register")
    page.get_by_label("이메일").fill(new_email())
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="계정 만들기").click()
    expect(page.get_by_role("heading", name="새 커버")).to_be_visible()
    page.get_by_role("button", name="커버 만들기").click()
    expect(page.locator("#f-title-error")).to_have_text("이 항목을 입력해 주세요.")
    expect(page.locator("#f-artist-error")).to_have_text("이 항목을 입력해 주세요.")
    expect(page.get_by_role("alert")).to_contain_text("2개")
    check_page(page, "create-ko")
