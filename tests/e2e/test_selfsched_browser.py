"""The candidate's self-scheduling page in headless Chromium at a phone's viewport (390×844):
open the link, pick a time, see the confirmation; a used or an expired link is refused.

The app is the real Flask app on PostgreSQL, served over real HTTP from a thread (the page
needs no worker); Chromium and chromedriver come from Debian's packages, as in test_browser.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from werkzeug.serving import make_server

from store.hiring import Interview
from tests.commands.conftest import HR, LISI, WANGWU, Desk
from tests.e2e.test_browser import CHROMEDRIVER, CHROMIUM, waiter

DOCS = Path(__file__).resolve().parents[2] / "docs"
PHONE = {"width": 390, "height": 844, "pixelRatio": 2}
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--lang=zh-CN")


@pytest.fixture
def phone(tmp_path: Path) -> Iterator[WebDriver]:
    for binary in (CHROMIUM, CHROMEDRIVER):
        if not binary.exists():
            pytest.fail(f"{binary} is missing: run `make browser`; the browser test never skips")
    opts = Options()
    opts.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    # The page follows Accept-Language: a phone set to Chinese.
    opts.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    opts.add_experimental_option("mobileEmulation", {
        "deviceMetrics": PHONE,
        "userAgent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
                     "(KHTML, like Gecko) Mobile/15E148 wxwork/4.1"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=opts)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def served(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def keep(tmp: Path, name: str) -> None:
    """Copy a screenshot into docs/ when it is missing or UPDATE_SCREENSHOT is set."""
    target = DOCS / name
    if os.environ.get("UPDATE_SCREENSHOT") or not target.exists():
        DOCS.mkdir(exist_ok=True)
        shutil.copyfile(tmp / name, target)


def text_of(driver: WebDriver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def test_candidate_picks_a_slot_on_a_phone(phone, served, services, clock, tmp_path):
    desk = Desk(services.sessions, services.settings, clock)
    desk.user(HR, "hr", "王芳")
    desk.user(LISI, "interviewer", "李四")
    desk.user(WANGWU, "interviewer", "王五")
    desk.ask(HR, "面试官池 后端 李四 王五")
    link = re.search(r"/book/\S+", desk.ask(HR, "邀约 张三 后端池 本周 60分钟")).group(0)
    later = re.search(r"/book/\S+", desk.ask(HR, "邀约 李雷 后端池 下周 45分钟")).group(0)

    phone.get(served + link)
    waiter(phone).until(lambda d: "选择面试时间" in text_of(d), "the page did not open")
    assert phone.execute_script("return window.innerWidth") == 390
    # Nothing overflows sideways on a phone.
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 390
    page = text_of(phone)
    assert "11-26 周四" in page and "时长 60 分钟" in page
    assert not any(name in page for name in ("李四", "王五", "王芳", "张三"))
    slot = phone.find_elements(By.CSS_SELECTOR, "label.slot")[2]
    chosen = slot.text
    slot.click()
    phone.save_screenshot(str(tmp_path / "self-scheduling.png"))   # a time chosen
    keep(tmp_path, "self-scheduling.png")
    phone.find_element(By.ID, "book").click()
    waiter(phone).until(lambda d: d.find_elements(By.ID, "booked"), "no confirmation")
    booked = phone.find_element(By.ID, "booked").text
    assert "已预约" in text_of(phone) and chosen.split("–")[0] in booked, (chosen, booked)
    assert phone.find_element(By.CSS_SELECTOR, "a.ics").get_attribute("href").endswith(
        "/interview.ics")
    phone.save_screenshot(str(tmp_path / "self-scheduling-done.png"))
    keep(tmp_path, "self-scheduling-done.png")
    assert desk.count(Interview) == 1

    phone.get(served + link)                                   # the same link again
    waiter(phone).until(lambda d: "已经使用过" in text_of(d), "a used link was not refused")
    assert httpx.get(served + link).status_code == 410

    clock.advance(hours=73)                                    # past the 72 h of the other
    phone.get(served + later)
    waiter(phone).until(lambda d: "已过期" in text_of(d), "an expired link was not refused")
    assert httpx.get(served + later).status_code == 410
    assert desk.count(Interview) == 1
