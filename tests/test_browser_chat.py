"""The patient chat as a person meets it, in Debian's chromium: the start of every new reply (above all a
crisis card) is in view on a desktop and on phones, the card is announced once, and an outage shows the
crisis lines and the clinic's phone and keeps the conversation across a server restart."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Page, expect

from chatbot.assistant import Assistant
from chatbot.safety import messages as m
from tests.conftest import make_app, make_service
from tests.test_browser import ask, browser_type_launch_args, last_reply, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser
TIMEOUT = 60_000  # ms: replies under heavy CPU contention (CI shares its cores) can take tens of seconds

# crisis messages written for these tests (the safety sets have their own); each must bring the full card
CRISIS = [
    "honestly i don't want to be alive anymore",
    "everyone would be better off if I just disappeared for good",
    "I've been thinking about ending it all tonight",
]


def top_in_view(page: Page, selector: str) -> dict:
    """Where the top edge of the last element matching `selector` is: inside the page's viewport and inside
    the visible part of every scrolling box around it."""
    return page.evaluate(
        """(sel) => {
            const all = document.querySelectorAll(sel); const el = all[all.length - 1];
            const top = el.getBoundingClientRect().top;
            let inBoxes = true;
            for (let p = el.parentElement; p; p = p.parentElement) {
                const o = getComputedStyle(p).overflowY;
                if ((o === 'auto' || o === 'scroll') && p.scrollHeight > p.clientHeight) {
                    const r = p.getBoundingClientRect();
                    if (top < r.top - 1 || top > r.bottom - 20) inBoxes = false;
                }
            }
            return {top, height: el.getBoundingClientRect().height, viewport: innerHeight, inView: top >= -1 && top <= innerHeight - 20, inBoxes};
        }""",
        selector,
    )


@pytest.mark.parametrize(("width", "height", "crisis"), [(1280, 900, CRISIS[0]), (375, 812, CRISIS[1]), (320, 568, CRISIS[2])])
def test_the_start_of_a_crisis_card_is_in_view(page: Page, server, width: int, height: int, crisis: str) -> None:  # noqa: F811
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server.url}/chat/")
    ask(page, "What is KAP?")  # an earlier reply, so that the card is not simply at the top of an empty chat
    expect(last_reply(page).locator(".sr-disclaimer")).to_be_visible(timeout=TIMEOUT)
    ask(page, crisis)
    expect(page.locator("#sr-chat .sr-reply")).to_have_count(2, timeout=TIMEOUT)
    expect(last_reply(page).locator(".sr-crisis-title")).to_contain_text(m.CRISIS_CARD_TITLE, timeout=TIMEOUT)
    page.wait_for_timeout(500)  # let any scrolling settle
    where = top_in_view(page, "#sr-chat .sr-reply .sr-crisis")
    assert where["inView"] and where["inBoxes"], where
    if width == 375:
        page.screenshot(path=str(Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "crisis-card-phone.png"))
    # and an ordinary reply after it starts in view too (the short card first)
    ask(page, "How should I prepare for my first session?")
    expect(page.locator("#sr-chat .sr-reply")).to_have_count(3, timeout=TIMEOUT)
    expect(last_reply(page).locator(".sr-disclaimer")).to_be_visible(timeout=TIMEOUT)
    page.wait_for_timeout(500)
    where = top_in_view(page, "#sr-chat .sr-reply")
    assert where["inView"] and where["inBoxes"], where


def test_a_question_typed_while_a_reply_arrives_is_kept_and_sent(page: Page, server) -> None:  # noqa: F811
    # a reply streams in several frames; none of them may wipe what the person is typing meanwhile
    page.goto(f"{server.url}/chat/")
    box = page.get_by_label("Your question")
    ask(page, "Do I need someone to drive me home after an infusion?")
    expect(page.locator("#sr-chat .sr-user")).to_have_count(1, timeout=TIMEOUT)
    box.fill(CRISIS[0])  # typed before the reply has come
    expect(last_reply(page).locator(".sr-disclaimer")).to_be_visible(timeout=TIMEOUT)
    page.wait_for_timeout(500)
    expect(box).to_have_value(CRISIS[0])
    box.press("Enter")
    expect(page.locator("#sr-chat .sr-user").last).to_have_text(CRISIS[0], timeout=TIMEOUT)
    expect(page.locator("#sr-chat .sr-reply")).to_have_count(2, timeout=TIMEOUT)
    expect(last_reply(page).locator(".sr-crisis")).to_contain_text("988", timeout=TIMEOUT)


def test_the_crisis_card_is_announced_once_and_the_banner_speaks_to_a_newcomer(page: Page, server) -> None:  # noqa: F811
    page.goto(f"{server.url}/chat/")
    ask(page, CRISIS[1])
    expect(last_reply(page).locator(".sr-crisis")).to_contain_text("988", timeout=TIMEOUT)
    expect(page.locator("#sr-alert")).to_contain_text(m.CRISIS_CARD_TITLE)  # the one live region spoke it
    for n, question in enumerate(("What is KAP?", "thank you"), start=2):
        ask(page, question)
        expect(page.locator("#sr-chat .sr-reply")).to_have_count(n, timeout=TIMEOUT)
        expect(last_reply(page).locator(".sr-disclaimer")).to_be_visible(timeout=TIMEOUT)
    assert page.evaluate("window.__srChat.alerts") == 1  # not again for each later reply
    assert page.locator("#sr-chat [role=alert], #sr-crisis-banner [role=alert]").count() == 0  # nothing re-inserted as an alert
    banner = page.locator("#sr-crisis-banner .sr-crisis")
    expect(banner).to_contain_text("988")
    assert "still" not in banner.inner_text().lower()  # it does not presume the person saw a card


def test_messages_have_clean_accessible_names_and_few_tab_stops(page: Page, server) -> None:  # noqa: F811
    page.goto(f"{server.url}/chat/")
    ask(page, "Do I need someone to drive me home after an infusion?")
    expect(last_reply(page).locator(".sr-disclaimer")).to_be_visible(timeout=TIMEOUT)
    page.wait_for_timeout(300)
    names = page.locator("#sr-chat [aria-label]").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert names and not [n for n in names if "<" in n or "&lt;" in n], names
    stops = page.locator("#sr-chat .message-row.bot-row").last.evaluate(
        "row => [...row.querySelectorAll('a[href], button, [tabindex]')].filter(e => e.tabIndex >= 0 && e.offsetParent).length"
    )
    assert stops <= 6, stops  # its sources and like/dislike: not the 10-13 stops of every number in the disclaimer
    expect(last_reply(page).locator(".sr-disclaimer")).to_contain_text(m.CLINIC_PHONE)  # the text is still there


class RestartableServer:
    """The app on one fixed port, stopped and started again like a real deployment restart."""

    def __init__(self, assistant: Assistant, data_dir: Path) -> None:
        self.assistant, self.data_dir = assistant, data_dir
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        config = uvicorn.Config(make_app(make_service(self.assistant, self.data_dir)), host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self) -> None:
        assert self.server is not None and self.thread is not None
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture
def restartable(assistant: Assistant, sample_data_dir: Path) -> Iterator[RestartableServer]:
    live = RestartableServer(assistant, sample_data_dir)
    live.start()
    yield live
    if live.server is not None and not live.server.should_exit:
        live.stop()


def test_an_outage_shows_the_crisis_lines_and_keeps_the_conversation(page: Page, restartable: RestartableServer) -> None:
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{restartable.url}/chat/")
    ask(page, CRISIS[0])
    expect(last_reply(page).locator(".sr-crisis")).to_contain_text("988", timeout=TIMEOUT)
    restartable.stop()
    ask(page, "are you still there?")
    outage = page.locator("#sr-outage")
    expect(outage).to_contain_text("988", timeout=TIMEOUT)
    expect(outage).to_contain_text("911")
    expect(outage).to_contain_text(m.CLINIC_PHONE)
    expect(outage).to_be_in_viewport()
    expect(page.get_by_label("Your question")).to_have_value("are you still there?")  # the unsent message is kept
    expect(page.locator("#sr-chat .sr-crisis")).to_be_visible()  # and so is the conversation
    page.screenshot(path=str(Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "outage-phone.png"))
    restartable.start()
    expect(outage).not_to_contain_text("988", timeout=TIMEOUT)  # it noticed the server is back, without a reload
    assert page.evaluate("window.__srChat.outages") == 1  # the same page: Gradio did not reload it
    expect(page.locator("#sr-chat .sr-crisis").first).to_be_visible()
    expect(page.locator("#sr-crisis-banner .sr-crisis")).to_be_visible()
    page.get_by_label("Your question").press("Enter")  # send the kept message
    expect(page.locator("#sr-chat .sr-reply")).to_have_count(2, timeout=TIMEOUT)
    expect(last_reply(page).locator(".sr-crisis-short")).to_contain_text("988", timeout=TIMEOUT)  # the crisis is remembered


def test_a_broken_reply_stream_keeps_the_conversation_across_gradios_reload(page: Page, server) -> None:  # noqa: F811
    """A reply's stream that breaks (a restart or a proxy cutting it) makes Gradio reload the page once the server
    answers again; the conversation, the crisis banner and the unsent question are all there after the reload."""
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{server.url}/chat/")
    ask(page, CRISIS[1])
    expect(last_reply(page).locator(".sr-crisis")).to_contain_text("988", timeout=TIMEOUT)
    page.evaluate("window.__srBeforeReload = true")  # a property of this page: gone after a reload
    broken: list[str] = []

    def break_once(route) -> None:
        if broken:
            route.continue_()
        else:
            broken.append(route.request.url)
            route.abort("connectionreset")

    page.route("**/gradio_api/queue/data**", break_once)
    ask(page, "how long does an infusion take?")
    page.wait_for_function("() => window.__srBeforeReload === undefined && !!window.__srChat", timeout=TIMEOUT)  # Gradio reloaded
    assert broken, "the reply's stream was never opened"
    expect(page.locator("#sr-chat .sr-crisis").first).to_contain_text("988", timeout=TIMEOUT)  # the conversation is back
    expect(page.locator("#sr-chat .message-row.user-row").first).to_contain_text(CRISIS[1])
    expect(page.locator("#sr-crisis-banner .sr-crisis")).to_be_visible()  # and so is the banner
    expect(page.get_by_label("Your question")).to_have_value("how long does an infusion take?")  # the question never sent
    assert page.evaluate("window.__srChat.restored") == 2
    page.get_by_label("Your question").press("Enter")
    expect(page.locator("#sr-chat .sr-reply")).to_have_count(2, timeout=TIMEOUT)
    expect(last_reply(page).locator(".sr-crisis-short")).to_contain_text("988", timeout=TIMEOUT)  # the crisis is remembered


def test_closing_the_tab_forgets_the_conversation(page: Page, server) -> None:  # noqa: F811
    """The conversation is kept for the tab only (sessionStorage): a new tab of the same browser starts empty."""
    page.goto(f"{server.url}/chat/")
    ask(page, "What is KAP?")
    expect(last_reply(page).locator(".sr-disclaimer")).to_be_visible(timeout=TIMEOUT)
    assert "What is KAP?" in page.evaluate("sessionStorage.getItem('sr-chat')")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('sr-'))") == []
    other = page.context.new_page()
    other.goto(f"{server.url}/chat/")
    expect(other.get_by_label("Your question")).to_be_visible(timeout=TIMEOUT)
    other.wait_for_timeout(1000)
    expect(other.locator("#sr-chat .message-row")).to_have_count(0)
    other.close()
