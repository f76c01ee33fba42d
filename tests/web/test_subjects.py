"""The Subjects page in a real browser: consent → drop and pick photos (a real face is accepted,
a crowd and a GIF are refused with their reasons) → train says why it cannot run here →
Create with "Feature me" → covers → delete the subject, and its files are gone."""

from __future__ import annotations

import base64
import re

from playwright.sync_api import ConsoleMessage, Page, expect

from tests.photos import faces
from tests.web.conftest import check_page, register
from tests.web.server import SleeveServer

RENDER_TIMEOUT_MS = 180_000


def _drop(page: Page, name: str, data: bytes) -> None:
    """Drops a file on the drop zone, as dragging it from the desktop does."""
    transfer = page.evaluate_handle(
        """([name, b64]) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: "image/jpeg" }));
            return transfer;
        }""", [name, base64.b64encode(data).decode()])
    page.locator(".drop-zone").dispatch_event("drop", {"dataTransfer": transfer})


def test_subject_photos_feature_me_and_delete(page: Page, server: SleeveServer) -> None:
    register(page, server.url)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if _is_error(m) else None)
    page.get_by_role("link", name="Subjects", exact=True).click()
    expect(page.get_by_role("heading", name="Subjects", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="What Sleeve keeps, and how to remove it")
           ).to_be_visible()
    check_page(page, "subjects-empty")

    page.get_by_label("Name").fill("Luna Vale")
    page.get_by_role("button", name="Create subject").click()
    consent = page.get_by_role("checkbox", name=re.compile("I agree|I am the person"))
    expect(consent).to_have_attribute("aria-invalid", "true")
    consent.check()
    page.get_by_role("button", name="Create subject").click()
    card = page.get_by_role("article", name="Luna Vale")
    expect(card).to_be_visible()
    expect(card.get_by_text("0 of 20 photos")).to_be_visible()

    # A real face from the file picker, then a band photo dropped, then a GIF picked.
    card.locator("input[type=file]").set_input_files(
        {"name": "me.jpg", "mimeType": "image/jpeg", "buffer": faces.face_jpeg()})
    expect(card.get_by_text("1 of 20 photos")).to_be_visible()
    accepted = card.get_by_role("list", name="Accepted photos").get_by_role("listitem")
    expect(accepted).to_have_count(1)
    expect(accepted.get_by_text("Accepted")).to_be_visible()
    expect(accepted.get_by_role("img", name="Photo of Luna Vale")).to_be_visible()
    card = page.get_by_role("article", name="Luna Vale")
    _drop(page, "band.jpg", faces.two_faces())
    refused = page.get_by_role("list", name="Photos that were not accepted")
    expect(refused.get_by_text("More than one face")).to_be_visible()
    card.locator("input[type=file]").set_input_files(
        {"name": "party.gif", "mimeType": "image/gif", "buffer": faces.gif()})
    expect(refused.get_by_text("isn't a JPEG, PNG or WebP")).to_be_visible()
    expect(card.get_by_text("1 of 20 photos")).to_be_visible()
    train = card.get_by_role("button", name="Train a model of my face")
    expect(train).to_be_disabled()
    expect(card.get_by_text(re.compile("Not available on this server: .*diffusion"))
           ).to_be_visible()
    check_page(page, "subjects")

    page.get_by_role("link", name="Create", exact=True).click()
    page.get_by_label("Song title").fill("Midnight Rain")
    page.get_by_label("Artist").fill("Luna Vale")
    page.get_by_role("radio", name="1", exact=True).check(force=True)
    feature = page.get_by_label("Feature me")
    expect(feature.locator("option", has_text="Luna Vale")).to_be_attached()
    feature.select_option(label="Luna Vale")
    check_page(page, "create-feature-me")
    page.get_by_role("button", name="Make covers").click()
    expect(page.get_by_role("heading", name="Your covers are ready")).to_be_visible(
        timeout=RENDER_TIMEOUT_MS)
    covers = page.get_by_role("link", name=re.compile("Cover for “Midnight Rain” by Luna Vale"))
    expect(covers).to_have_count(1)
    job_id = page.url.rsplit("/", 1)[-1]
    job = page.request.get(f"{server.url}/v1/jobs/{job_id}").json()
    subject_id = job["subject_id"]
    assert subject_id and job["state"] == "succeeded"
    blobs = server.data_dir / "blobs" / "subjects" / subject_id
    assert len([p for p in blobs.rglob("*") if p.is_file()]) == 3

    page.get_by_role("link", name="Subjects", exact=True).click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("article", name="Luna Vale").get_by_role(
        "button", name="Delete subject").click()
    expect(page.get_by_role("status")).to_contain_text("all its photos are deleted")
    expect(page.get_by_role("article", name="Luna Vale")).to_have_count(0)
    assert page.request.get(f"{server.url}/v1/subjects").json() == []
    assert not blobs.exists() or not [p for p in blobs.rglob("*") if p.is_file()]
    job = page.request.get(f"{server.url}/v1/jobs/{job_id}").json()
    assert job["subject_id"] is None and len(job["covers"]) == 1
    page.get_by_role("button", name="한국어").click()
    expect(page.get_by_role("heading", name="인물 사진", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Sleeve가 보관하는 것과 지우는 방법")).to_be_visible()
    expect(page.get_by_role("checkbox", name=re.compile("동의해요"))).to_be_visible()
    check_page(page, "subjects-ko")
    # The only console errors are the browser's notes on the answers the test asked for: the
    # subject sent without consent (422), the band photo (422) and the GIF (415).
    assert len(console) == 3 and all(re.search(r"status of 4(15|22)", m) for m in console), console


def _is_error(message: ConsoleMessage) -> bool:
    return message.type == "error"
