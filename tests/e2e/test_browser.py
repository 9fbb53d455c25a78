"""A real browser on the simulator: headless Chromium from Debian's packages, driven by Selenium
through Debian's chromedriver, against `interview-bot demo` over real HTTP.

Missing Chromium is a failure, never a skip: `make test` installs it (`make browser`).
"""
from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.demo_process import DemoProcess, running_demo
from tests.support.days import next_working_day, zh_day

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,900", "--lang=zh-CN")
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "simulator.png"
WAIT = 30   # seconds: an upper bound for a reply, never a measurement


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoProcess]:
    yield from running_demo(tmp_path)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    for binary in (CHROMIUM, CHROMEDRIVER):
        if not binary.exists():
            pytest.fail(f"{binary} is missing: run `make browser` (apt-get install -y "
                        "chromium chromium-driver); the browser test never skips")
    opts = Options()
    opts.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        opts.add_argument(flag)
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    opts.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=opts)
    try:
        yield driver
    finally:
        driver.quit()


def waiter(driver: WebDriver) -> WebDriverWait:
    # The page re-renders as replies arrive, so an element found a moment ago may be gone.
    return WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException,))


def wait_text(driver: WebDriver, css: str, needle: str) -> None:
    """Wait until an element matching `css` contains `needle`."""
    waiter(driver).until(
        lambda d: any(needle in e.text for e in d.find_elements(By.CSS_SELECTOR, css)),
        f"no {css} containing {needle!r}")


def click(driver: WebDriver, css: str) -> None:
    """Click the element matching `css` (found afresh, as a person would)."""
    def attempt(d: WebDriver) -> bool:
        d.find_element(By.CSS_SELECTOR, css).click()
        return True
    waiter(driver).until(attempt, f"could not click {css}")


def member_text(driver: WebDriver, userid: str) -> str:
    return str(driver.execute_script(
        "return document.querySelector(`li.member[data-userid='${arguments[0]}']`).innerText;",
        userid))


def member(userid: str) -> str:
    return f'li.member[data-userid="{userid}"]'


def interview_start(confirmation: str) -> datetime:
    """The start time echoed by the schedule command: "2026-11-30 (周一) 11:00–12:00 CST"."""
    m = re.search(r"(\d{4}-\d{2}-\d{2}) \([^)]*\) (\d{2}:\d{2})", confirmation)
    assert m, confirmation
    return datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}").replace(
        tzinfo=ZoneInfo("Asia/Shanghai"))


def move_clock_to(base: str, when: datetime) -> None:
    """Move the demo clock forward to about `when`, in whole minutes."""
    now = datetime.fromisoformat(httpx.get(base + "/simulator/api/state", timeout=10)
                                 .json()["clock"]["now"])
    minutes = int((when - now).total_seconds() // 60)
    assert minutes > 0, (when, now)
    resp = httpx.post(base + "/simulator/api/clock", json={"step": f"+{minutes}m"}, timeout=10)
    assert resp.status_code == 200, resp.text


def clock_offset(base: str) -> float:
    """How far ahead of real time the demo clock is, in seconds."""
    return float(httpx.get(base + "/simulator/api/state", timeout=10)
                 .json()["clock"]["offset_seconds"])


def bot_texts(driver: WebDriver) -> list[str]:
    return list(driver.execute_script(
        "return [...document.querySelectorAll('#messages .msg.bot')].map(m => m.innerText);"))


def bot_said(driver: WebDriver, *needles: str) -> bool:
    """Some bot message holds all of `needles` (a greeting may arrive after it: opening the
    app sends enter_agent)."""
    return any(all(n in text for n in needles) for text in bot_texts(driver))


def test_hr_schedules_and_the_interviewer_sees_it_in_a_real_browser(browser, demo, tmp_path):
    b = browser
    b.get(demo.url)
    wait_text(b, "#members", "李四")
    # The sample company is there, with roles, and HR's sample interviews were scheduled
    # through the bot's own command.
    assert "HR" in member_text(b, "wangfang")
    assert "面试官" in member_text(b, "lisi")

    # HR types the schedule command; the confirmation travels back through the worker and
    # the fake WeCom API.
    click(b, member("wangfang"))
    wait_text(b, "#chat-sub", "王芳")
    wait_text(b, "#messages .msg.user", "安排 张三")          # the seeded scheduling
    box = b.find_element(By.ID, "composer")
    box.send_keys(f"安排 林小雨 {zh_day(next_working_day())}上午11点 面试官 李四", Keys.ENTER)
    wait_text(b, "#messages .msg.user", "林小雨")
    waiter(b).until(lambda d: bot_said(d, "林小雨", "#"), "HR got no confirmation")
    confirmation = next(t for t in bot_texts(b) if "林小雨" in t)
    interview = re.search(r"#(\d+)", confirmation).group(1)

    # The interviewer has unread messages; switching shows the notification...
    waiter(b).until(lambda d: d.find_elements(By.CSS_SELECTOR, member("lisi") + " .badge"),
                    "no unread badge on 李四")
    click(b, member("lisi"))
    wait_text(b, "#chat-sub", "李四")
    wait_text(b, "#messages .msg.bot", f"#{interview} 林小雨")
    # ...and the app menu's 我的面试 (a click event) lists it with the seeded ones.
    click(b, 'button.menu-entry[data-key="我的面试"]')
    wait_text(b, "#messages .msg.event", "EventKey “我的面试”")
    waiter(b).until(lambda d: bot_said(d, "林小雨", "张三"),
                    "我的面试 does not list the new interview")

    # The interviewer accepts; HR sees it on their side.
    answered = len(b.find_elements(By.CSS_SELECTOR, "#messages .msg.bot"))
    b.find_element(By.ID, "composer").send_keys(f"接受 #{interview}", Keys.ENTER)
    waiter(b).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#messages .msg.bot"))
                    > answered, "no answer to 接受")
    click(b, member("wangfang"))
    wait_text(b, "#chat-sub", "王芳")
    waiter(b).until(lambda d: bot_said(d, "林小雨", "接受"), "HR was not told that 李四 accepted")

    # Half an hour before the interview (the demo clock moved by the page's API), the worker's
    # clock reminds the interviewer.
    move_clock_to(demo.base, interview_start(confirmation) - timedelta(minutes=30))
    click(b, member("lisi"))
    wait_text(b, "#chat-sub", "李四")
    waiter(b).until(lambda d: bot_said(d, "⏰", "林小雨"), "李四 got no reminder")
    b.save_screenshot(str(tmp_path / "simulator.png"))

    # Move the clock a day forward: the whole demo (bot, worker) now lives tomorrow.
    before = b.find_element(By.ID, "clock").text
    offset = clock_offset(demo.base)
    click(b, 'button.clock-step[data-step="+1d"]')
    waiter(b).until(lambda d: d.find_element(By.ID, "clock").text != before, "clock unchanged")
    assert clock_offset(demo.base) - offset == 86400

    # New members can be added with a role.
    b.find_element(By.ID, "new-userid").send_keys("zhaoliu")
    b.find_element(By.ID, "new-name").send_keys("赵六")
    click(b, '#new-role option[value="hr"]')
    click(b, "#new-user button")
    wait_text(b, "#chat-sub", "赵六")
    assert "HR" in member_text(b, "zhaoliu")

    if os.environ.get("UPDATE_SCREENSHOT") or not SCREENSHOT.exists():
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(tmp_path / "simulator.png", SCREENSHOT)


def test_markdown_is_rendered_as_wecom_does(browser, demo):
    browser.get(demo.url)
    wait_text(browser, "#members", "李四")
    html = browser.execute_script("return renderMarkdown(arguments[0]);", "\n".join([
        "## 新面试", "**张三** · [简历](https://example.com/cv?a=1&b=2)",
        '> 明天 15:00', '<font color="warning">请确认</font> <font color="info">ok</font>',
        "`#12` <script>alert(1)</script> <font color=\"red\">x</font>"]))
    assert '<div class="md-h md-h2">新面试</div>' in html
    assert "<b>张三</b>" in html
    assert '<a href="https://example.com/cv?a=1&amp;b=2" target="_blank"' in html
    assert '<div class="md-quote">明天 15:00</div>' in html
    assert '<span class="font-warning">请确认</span>' in html
    assert '<span class="font-info">ok</span>' in html
    assert "<code>#12</code>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;font color=&quot;red&quot;&gt;" in html      # only WeCom's three colours
