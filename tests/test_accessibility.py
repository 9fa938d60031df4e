"""axe-core (from npm, tests/js/package.json; scripts/system-deps.sh installs it) run in Debian's chromium on
every page and state a person meets: the chat (empty, after answers, after a crisis), the widget (closed,
open, answered), the staff sign-in and every staff tab. The promise: no serious or critical violation."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Frame, Page, expect

from tests.conftest import PROJECT, STAFF_PASSWORD, STAFF_USER
from tests.test_browser import ask, browser_type_launch_args, last_reply, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser
TIMEOUT = 60_000  # ms: replies under heavy CPU contention (CI shares its cores) can take tens of seconds
AXE = PROJECT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def axe_problems(target: Page | Frame) -> list[str]:
    """Serious and critical axe-core violations in `target` (a page or one frame of it), one line each."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run scripts/system-deps.sh (npm ci in tests/js)")
    if not target.evaluate("typeof window.axe === 'object'"):
        target.add_script_tag(path=str(AXE))
    violations: list[dict[str, Any]] = target.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(' ').slice(0, 200))}))"""
    )
    return [f"{v['impact']} {v['id']} ({v['help']}): {v['nodes']}" for v in violations if v["impact"] in BLOCKING]


def test_the_patient_chat_has_no_serious_accessibility_problems(page: Page, server) -> None:  # noqa: F811
    page.goto(f"{server.url}/chat/")
    expect(page.get_by_label("Your question")).to_be_visible(timeout=TIMEOUT)
    found = {"empty": axe_problems(page)}
    for question in ("Do I need someone to drive me home after an infusion?", "What is KAP?"):
        ask(page, question)
        expect(last_reply(page).locator(".sr-disclaimer")).to_be_visible(timeout=TIMEOUT)
    page.wait_for_timeout(300)
    found["after answers"] = axe_problems(page)
    ask(page, "i keep planning how to end my life")
    expect(last_reply(page).locator(".sr-crisis")).to_contain_text("988", timeout=TIMEOUT)
    page.wait_for_timeout(300)
    found["after a crisis"] = axe_problems(page)
    assert not any(found.values()), found


def test_the_widget_has_no_serious_accessibility_problems(page: Page, server) -> None:  # noqa: F811
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"http://localhost:{server.port}/widget-demo?assistant={server.url}")
    bubble = page.get_by_role("button", name="Questions? Chat with us")
    expect(bubble).to_be_visible(timeout=TIMEOUT)
    found = {"closed": axe_problems(page)}
    bubble.click()
    frame_locator = page.frame_locator("iframe.srw-frame")
    expect(frame_locator.get_by_label("Your question")).to_be_visible(timeout=TIMEOUT)
    frame = next(f for f in page.frames if "/chat/" in f.url)
    found["open"] = axe_problems(page) + axe_problems(frame)
    frame_locator.get_by_label("Your question").fill("What is the integration window?")
    frame_locator.get_by_label("Your question").press("Enter")
    expect(frame_locator.locator(".sr-reply .sr-disclaimer").last).to_be_visible(timeout=TIMEOUT)
    page.wait_for_timeout(300)
    found["answered"] = axe_problems(page) + axe_problems(frame)
    assert not any(found.values()), found


def test_the_staff_console_has_no_serious_accessibility_problems(page: Page, server) -> None:  # noqa: F811
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server.url}/staff/")
    expect(page.get_by_label("password")).to_be_visible(timeout=TIMEOUT)
    found = {"sign-in": axe_problems(page)}
    page.get_by_label("username").fill(STAFF_USER)
    page.get_by_label("password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Login").click()
    tabs = page.get_by_role("tab")
    expect(tabs.first).to_be_visible(timeout=TIMEOUT)
    names = tabs.all_inner_texts()
    assert len(names) >= 5, names
    for name in names:
        page.get_by_role("tab", name=name).click()
        page.wait_for_timeout(600)
        found[f"tab {name}"] = axe_problems(page)
    # and with content: an answer explained, a search
    page.get_by_role("tab", name=names[0]).click()
    page.get_by_label("Question, as a patient would type it").fill("How long do the effects of ketamine last?")
    page.locator("#staff-ask").click()
    # "What it did": the placeholder ("Why it answered that way appears here.") already says "answer"
    expect(page.locator("#staff-why")).to_contain_text("What it did", timeout=TIMEOUT)
    page.wait_for_timeout(600)  # Gradio fades the new content in
    found["tab Ask, answered"] = axe_problems(page)
    assert not any(found.values()), found
