"""The website widget on phones and from the keyboard, in Debian's chromium: the clinic's page on one site
(localhost), the assistant on another (127.0.0.1), as on a real clinic website."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import FrameLocator, Locator, Page, expect

from chatbot.safety import messages as m
from tests.test_browser import browser_type_launch_args, server  # noqa: F401  (fixtures)
from tests.test_browser_chat import CRISIS, RestartableServer, restartable  # noqa: F401  (fixture)
from web.server import STATIC

pytestmark = pytest.mark.browser
TIMEOUT = 60_000  # ms: replies under heavy CPU contention (CI shares its cores) can take tens of seconds
BUBBLE = "Questions? Chat with us"


def open_widget(page: Page, port: int, url: str) -> FrameLocator:
    page.goto(f"http://localhost:{port}/widget-demo?assistant={url}")
    page.get_by_role("button", name=BUBBLE).click()
    frame = page.frame_locator("iframe.srw-frame")
    expect(frame.get_by_label("Your question")).to_be_visible(timeout=TIMEOUT)
    page.wait_for_timeout(500)  # the chat sizes itself to the panel
    return frame


def box(locator: Locator) -> dict:
    found = locator.bounding_box()
    assert found is not None
    return found


def overlaps(a: dict, b: dict) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


@pytest.mark.parametrize(("width", "height"), [(375, 812), (320, 568), (360, 640)])
def test_on_a_phone_the_bubble_never_covers_the_chat_and_the_question_box_is_in_view(page: Page, server, width: int, height: int) -> None:  # noqa: F811
    page.set_viewport_size({"width": width, "height": height})
    frame = open_widget(page, server.port, server.url)
    controls = {
        "question box": frame.get_by_label("Your question"),
        "Send": frame.get_by_role("button", name="Send"),
        "Talk to a person": frame.get_by_role("button", name="Talk to a person"),
    }
    bubble = page.locator(".srw-btn")
    if bubble.is_visible():  # on a phone the panel is the whole screen: the bubble may not sit on any of it
        assert not overlaps(box(bubble), box(page.locator("iframe.srw-frame"))), "the bubble covers the chat"
    for name, control in controls.items():
        where = box(control)
        assert where["y"] >= 0 and where["y"] + where["height"] <= height, f"{name} is out of view: {where}"
        if bubble.is_visible():
            assert not overlaps(box(bubble), where), f"the bubble covers {name}"
    # the same after a long reply
    frame.get_by_label("Your question").fill(CRISIS[2])
    frame.get_by_label("Your question").press("Enter")
    expect(frame.locator(".sr-reply .sr-crisis")).to_be_visible(timeout=TIMEOUT)
    for name, control in controls.items():
        if bubble.is_visible():
            assert not overlaps(box(bubble), box(control)), f"the bubble covers {name} after a reply"
    if width == 375:
        page.screenshot(path=str(STATIC.parent.parent / "docs" / "screenshots" / "widget-phone.png"))


def test_on_the_smallest_phone_the_controls_come_into_view_whatever_the_scroll(page: Page, server) -> None:  # noqa: F811
    # 320x568: the header, the shortest chat and the controls do not all fit; the chat scrolls the controls
    # into view itself instead of relying on when Gradio happens to focus the question box
    page.set_viewport_size({"width": 320, "height": 568})
    frame = open_widget(page, server.port, server.url)
    chat = next(f for f in page.frames if "/chat/" in f.url)
    chat.evaluate("window.scrollTo(0, 0)")
    page.set_viewport_size({"width": 320, "height": 567})  # the panel resizes, as when a phone's toolbar hides
    page.wait_for_timeout(500)
    where = box(frame.get_by_role("button", name="Talk to a person"))
    assert where["y"] >= 0 and where["y"] + where["height"] <= 567, f"Talk to a person is out of view: {where}"


def test_the_widget_is_a_dialog_that_escape_closes_while_typing(page: Page, server) -> None:  # noqa: F811
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"http://localhost:{server.port}/widget-demo?assistant={server.url}")
    bubble = page.locator(".srw-btn")
    expect(bubble).to_have_accessible_name(BUBBLE)
    bubble.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_have_attribute("aria-modal", "true")
    expect(dialog).to_have_accessible_name("Soft Reboot Wellness chat (automated assistant)")
    expect(bubble).to_have_accessible_name("Close the chat")  # the bubble says what it does now
    expect(bubble).to_have_attribute("aria-expanded", "true")
    frame = page.frame_locator("iframe.srw-frame")
    question = frame.get_by_label("Your question")
    expect(question).to_be_focused(timeout=TIMEOUT)  # ready to type
    question.type("how long does an infusion")
    page.keyboard.press("Escape")  # while typing in the chat, inside the cross-site frame
    expect(dialog).to_be_hidden()
    expect(bubble).to_have_accessible_name(BUBBLE)
    expect(bubble).to_be_focused()  # focus returns to where it was
    bubble.click()  # and it opens again as it was left
    expect(frame.get_by_label("Your question")).to_have_value("how long does an infusion")


def test_the_widget_says_how_to_get_help_when_the_assistant_cannot_be_reached(page: Page, restartable: RestartableServer) -> None:  # noqa: F811
    page.set_viewport_size({"width": 375, "height": 812})
    frame = open_widget(page, restartable.port, restartable.url)
    frame.get_by_label("Your question").fill(CRISIS[1])
    frame.get_by_label("Your question").press("Enter")
    expect(frame.locator(".sr-reply .sr-crisis")).to_be_visible(timeout=TIMEOUT)
    restartable.stop()
    frame.get_by_label("Your question").fill("hello?")
    frame.get_by_label("Your question").press("Enter")
    inside = frame.locator("#sr-outage")  # the chat in the frame says it
    expect(inside).to_contain_text("988", timeout=TIMEOUT)
    expect(inside).to_contain_text(m.CLINIC_PHONE)
    page.keyboard.press("Escape")
    page.get_by_role("button", name=BUBBLE).click()  # and the widget itself, when the frame cannot even load
    outside = page.locator(".srw-offline")
    expect(outside).to_contain_text("988", timeout=TIMEOUT)
    expect(outside).to_contain_text("911")
    expect(outside).to_contain_text(m.CLINIC_PHONE)


def test_the_widget_outage_text_is_the_safety_modules() -> None:
    assert json.dumps(m.OUTAGE) in (STATIC / "widget.js").read_text(encoding="utf-8")
