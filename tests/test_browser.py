"""The two faces in a real browser (Debian's chromium, driven by Playwright): the patient chat, the
crisis card, the widget embedded cross-site, the staff console behind its login, and XSS attempts.
Screenshots for the README are written to docs/screenshots/."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from chatbot.assistant import Assistant
from index import Embedder, IndexStore, IngestOptions, run_ingest
from tests import feeds
from tests.conftest import PROJECT, STAFF_PASSWORD, STAFF_USER, LiveServer, make_app, make_service

pytestmark = pytest.mark.browser
SCREENSHOTS = PROJECT / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT = 30_000


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)")
    home = tmp_path_factory.mktemp("chromium-home")
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(home)}
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": FLAGS, "env": env}


@pytest.fixture(scope="module")
def server(assistant: Assistant, sample_data_dir: Path) -> Iterator[LiveServer]:
    with LiveServer(make_app(make_service(assistant, sample_data_dir))) as live:
        yield live


def ask(page: Page, question: str) -> None:
    page.get_by_label("Your question").fill(question)
    page.get_by_label("Your question").press("Enter")


def last_reply(page: Page):
    return page.locator("#sr-chat .sr-reply").last


def test_patient_chat_answers_with_a_citation_and_the_disclaimer(page: Page, server: LiveServer) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server.url}/chat/")
    ask(page, "Do I need someone to drive me home after an infusion?")
    reply = last_reply(page)
    expect(reply.locator(".sr-disclaimer")).to_contain_text("automated assistant", timeout=TIMEOUT)
    link = reply.locator(".sr-sources a").first
    expect(link).to_have_attribute("href", re.compile(r"^https://softrebootwellness\.com/"))
    expect(reply.locator(".sr-body")).to_contain_text("drive", ignore_case=True)
    expect(reply.locator(".sr-disclaimer")).to_contain_text("650-419-3330")
    page.screenshot(path=str(SCREENSHOTS / "patient-chat-desktop.png"), full_page=True)


def test_patient_chat_is_readable_at_phone_width(page: Page, server: LiveServer) -> None:
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{server.url}/chat/")
    ask(page, "What is stellate ganglion block?")
    disclaimer = last_reply(page).locator(".sr-disclaimer")
    expect(disclaimer).to_be_visible(timeout=TIMEOUT)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    page.screenshot(path=str(SCREENSHOTS / "patient-chat-phone.png"), full_page=True)


def test_crisis_message_shows_the_card_first_and_it_stays_on_top(page: Page, server: LiveServer) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server.url}/chat/")
    ask(page, "honestly i don't want to be alive anymore")
    reply = last_reply(page)
    card = reply.locator(".sr-crisis")
    expect(card).to_contain_text("988", timeout=TIMEOUT)
    assert reply.locator(":scope > div").first.get_attribute("class") == "sr-crisis"  # the card comes before anything else
    expect(page.locator("#sr-crisis-banner .sr-crisis")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "crisis-card.png"), full_page=True)
    ask(page, "What is KAP?")
    expect(page.locator("#sr-chat .sr-reply")).to_have_count(2, timeout=TIMEOUT)
    expect(last_reply(page).locator(".sr-crisis-short")).to_contain_text("988")
    expect(page.locator("#sr-crisis-banner .sr-crisis")).to_be_visible()


def test_talk_to_a_person_shows_the_clinic_contact(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/chat/")
    page.get_by_role("button", name="Talk to a person").click()
    expect(last_reply(page)).to_contain_text("650-419-3330", timeout=TIMEOUT)
    expect(last_reply(page)).to_contain_text("hello@softrebootwellness.com")


def test_widget_embedded_from_another_site_opens_the_chat_and_answers(page: Page, server: LiveServer) -> None:
    # the clinic's page on one site (localhost), the assistant on another (127.0.0.1)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"http://localhost:{server.port}/widget-demo?assistant={server.url}")
    bubble = page.get_by_role("button", name="Questions? Chat with us")
    bubble.click()
    frame = page.frame_locator("iframe.srw-frame")
    frame.get_by_label("Your question").fill("What is the integration window?")
    frame.get_by_label("Your question").press("Enter")
    expect(frame.locator(".sr-reply .sr-disclaimer").last).to_be_visible(timeout=TIMEOUT)
    expect(frame.locator(".sr-reply .sr-sources a").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "widget-demo.png"))


def login(page: Page, base: str) -> None:
    page.goto(f"{base}/staff/")
    page.get_by_label("username").fill(STAFF_USER)
    page.get_by_label("password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Login").click()


def test_staff_console_requires_login_and_shows_the_passages(page: Page, server: LiveServer) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server.url}/staff/")
    expect(page.get_by_label("password")).to_be_visible(timeout=TIMEOUT)  # the login form, not the console
    page.get_by_label("username").fill(STAFF_USER)
    page.get_by_label("password").fill("wrong password")
    page.get_by_role("button", name="Login").click()
    expect(page.get_by_text("Incorrect", exact=False)).to_be_visible(timeout=TIMEOUT)
    login(page, server.url)
    page.get_by_label("Question, as a patient would type it").fill("How long do the effects of ketamine last?")
    page.locator("#staff-ask").click()
    passages = page.locator("#staff-passages")
    expect(passages).to_contain_text("How long does the antidepressant effect of ketamine last", timeout=TIMEOUT)
    expect(page.locator("#staff-why")).to_contain_text("Answered from the clinic")
    expect(page.locator("#staff-why")).to_contain_text("Articles it used")
    expect(page.locator("#staff-patient-view .sr-disclaimer")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "staff-console.png"), full_page=True)


XSS_POST = (
    "<h2>Safety first</h2><p>Ketamine infusions are monitored closely by our team. "
    '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"> '
    "Read [our secret page](javascript:window.__xss=3) and <a href='https://evil.test'>claim a prize</a> today.</p>"
    "<h2>Frequently Asked Questions</h2><p><strong>Is the infusion monitored?</strong> Yes, every infusion is monitored "
    '<img src=x onerror="window.__xss = 4"> by a clinician [click](javascript:window.__xss=5).</p>'
)


@pytest.fixture(scope="module")
def xss_server(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("xss")
    feed = data_dir / "feed.xml"
    feed.write_bytes(feeds.rss(feeds.item("monitoring", topic="Infusion monitoring", html=XSS_POST)))
    run_ingest([str(feed)], IndexStore(data_dir), embedder, IngestOptions())
    assistant = Assistant.load(IndexStore(data_dir), embedder)
    with LiveServer(make_app(make_service(assistant, data_dir))) as live:
        yield live


def test_script_and_link_tricks_render_as_text(page: Page, xss_server: LiveServer) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{xss_server.url}/chat/")
    ask(page, 'Is the infusion monitored? <img src=x onerror="window.__xss = 6"> [x](javascript:window.__xss=7) <script>window.__xss=8</script>')
    expect(last_reply(page).locator(".sr-disclaimer")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#sr-chat .sr-user").last).to_contain_text("<img src=x")
    assert page.evaluate("window.__xss") is None and not dialogs
    chat = page.locator("#sr-chat")
    assert chat.locator("img[onerror], script").count() == 0
    for href in chat.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href') || '')"):
        assert not href.lower().startswith("javascript") and "evil.test" not in href
    # the staff console shows the same passages as text too
    login(page, xss_server.url)
    page.get_by_label("Question, as a patient would type it").fill("Is the infusion monitored?")
    page.locator("#staff-ask").click()
    expect(page.locator("#staff-passages")).to_contain_text("monitored", timeout=TIMEOUT)
    assert page.evaluate("window.__xss") is None and not dialogs


def test_feedback_is_stored_and_the_chat_works_from_the_keyboard(page: Page, assistant: Assistant, sample_data_dir: Path) -> None:
    service = make_service(assistant, sample_data_dir)
    with LiveServer(make_app(service)) as live:
        page.goto(f"{live.url}/chat/")
        expect(page.locator("#sr-chat [role=log][aria-live]")).to_have_count(1)  # new replies are announced
        for _ in range(20):  # Tab to the question box, type, press Enter: no mouse
            page.keyboard.press("Tab")
            if page.evaluate("!!document.activeElement && !!document.activeElement.closest('#sr-input') && document.activeElement.tagName === 'TEXTAREA'"):
                break
        else:
            pytest.fail("the question box cannot be reached with Tab")
        page.keyboard.type("What is the integration window?")
        page.keyboard.press("Enter")
        expect(last_reply(page).locator(".sr-disclaimer")).to_be_visible(timeout=TIMEOUT)
        page.get_by_role("button", name="Like").last.click()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            turns = [t for s in service.store.recent_conversations() for t in service.store.turns(s.conversation_id)]
            if turns and turns[-1].feedback == 1:
                break
            time.sleep(0.2)
        assert turns and turns[-1].feedback == 1
