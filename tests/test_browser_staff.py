"""The staff console as clinic staff use it, in Debian's chromium: plain words with the raw trace one click
away, a sign-out button, conversations opened by a click, crisis turns marked reviewed with who and when,
and the content gaps (declined, marked unhelpful, low confidence) grouped with counts and an export."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from chatbot.assistant import Assistant
from conversations import Turn
from tests.conftest import PROJECT, STAFF_PASSWORD, STAFF_USER, LiveServer, make_app, make_service
from tests.test_browser import browser_type_launch_args  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser
TIMEOUT = 60_000  # ms: replies under heavy CPU contention (CI shares its cores) can take tens of seconds


@pytest.fixture
def console(assistant: Assistant, sample_data_dir: Path) -> Iterator[tuple[LiveServer, object]]:
    service = make_service(assistant, sample_data_dir)
    store = service.store
    store.record_turn(Turn("conv-a", "What is KAP?", "KAP is ...", "answered", top_score=2.1))
    store.record_turn(Turn("conv-b", "i want to end my life", "crisis card", "crisis", crisis=True, signals=("lexicon:intent",)))
    store.record_turn(Turn("conv-c", "Do you take Aetna insurance?", "not covered", "not_found"))
    store.record_turn(Turn("conv-c", "does aetna cover ketamine infusions at your clinic", "not covered", "not_found"))
    store.record_turn(Turn("conv-d", "How much does an infusion cost?", "an answer", "answered", feedback=-1, top_score=0.9))
    store.record_turn(Turn("conv-e", "can I bring my dog to the session", "an answer", "answered", top_score=-5.0))
    with LiveServer(make_app(service)) as live:
        yield live, service


def sign_in(page: Page, url: str) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{url}/staff/")
    page.get_by_label("username").fill(STAFF_USER)
    page.get_by_label("password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Login").click()
    expect(page.get_by_role("tab", name="Ask")).to_be_visible(timeout=TIMEOUT)


def test_the_console_explains_an_answer_in_plain_words_with_the_raw_trace_one_click_away(page: Page, console) -> None:
    live, _ = console
    sign_in(page, live.url)
    sign_out = page.locator('form[method="post"][action="/staff/logout"] button[type="submit"]')
    expect(sign_out).to_have_text("Sign out")
    page.get_by_label("Question, as a patient would type it").fill("How long do the effects of ketamine last?")
    page.locator("#staff-ask").click()
    why = page.locator("#staff-why")
    expect(why).to_contain_text("Answered from the clinic's articles", timeout=TIMEOUT)
    expect(why).to_contain_text("What Does Ketamine Therapy Actually Do")  # which article, by its title
    expect(why).to_contain_text("How sure")
    raw = why.locator("details")
    expect(raw.locator("pre")).to_be_hidden()  # engineers' numbers: one click away, not in the way
    raw.locator("summary").click()
    expect(raw.locator("pre")).to_contain_text('"bm25"')
    page.screenshot(path=str(PROJECT / "docs" / "screenshots" / "staff-console.png"), full_page=True)
    page.get_by_label("Question, as a patient would type it").fill("is 200mg of ketamine a safe dose for me")
    page.locator("#staff-ask").click()
    expect(why).to_contain_text("personal medical advice", timeout=TIMEOUT)


def test_conversations_open_with_a_click_and_crisis_turns_are_marked_reviewed(page: Page, console) -> None:
    live, service = console
    sign_in(page, live.url)
    page.get_by_role("tab", name="Conversations").click()
    page.locator("#staff-refresh").click()
    conversations = page.locator("#staff-conversations")
    expect(conversations).to_contain_text("Do you take Aetna insurance?", timeout=TIMEOUT)
    conversations.get_by_text("Do you take Aetna insurance?").last.click()
    opened = page.locator("#staff-opened")
    expect(opened).to_contain_text("does aetna cover ketamine infusions", timeout=TIMEOUT)  # the whole conversation
    crisis = page.locator("#staff-crisis")
    expect(crisis).to_contain_text("not yet")
    crisis.get_by_text("i want to end my life").last.click()
    expect(opened).to_contain_text("i want to end my life", timeout=TIMEOUT)
    page.locator("#staff-mark-reviewed").click()
    expect(crisis).to_contain_text(f"by {STAFF_USER}", timeout=TIMEOUT)
    (review,) = service.store.crisis_reviews()
    assert review.reviewed_by == STAFF_USER and review.reviewed_at is not None


def test_content_gaps_count_declined_unhelpful_and_low_confidence_questions(page: Page, console) -> None:
    live, _ = console
    sign_in(page, live.url)
    page.get_by_role("tab", name="Content gaps").click()
    page.locator("#staff-gaps-refresh").click()
    summary = page.locator("#staff-gaps-summary")
    expect(summary).to_contain_text("2 declined", timeout=TIMEOUT)
    expect(summary).to_contain_text("1 marked unhelpful")
    expect(summary).to_contain_text("1 low confidence")
    table = page.locator("#staff-gaps")
    expect(table).to_contain_text("Aetna", ignore_case=True)
    expect(table).not_to_contain_text("What is KAP?")  # a confident, unflagged answer is not a gap
    expect(table).not_to_contain_text("end my life")  # nor a crisis turn
    link = summary.locator("a[download]")
    expect(link).to_have_attribute("href", re.compile(r"^data:text/csv;base64,"))
