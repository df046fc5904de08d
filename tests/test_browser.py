"""The simulator page in a real browser: Debian's headless Chromium, driven through chromedriver.

Nothing is downloaded: selenium is given the system's chromium and
chromedriver (.ci/apt-packages installs them), and Selenium Manager is kept
offline.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlsplit

import pytest
from helpers_core import SHIPPED
from live_server import live_server
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# Without these, Chromium reaches for the network at start-up and, on a closed network, fails.
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1280,1000",
)  # fmt: skip


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never fetch a driver or a browser
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def base_url():
    with live_server([SHIPPED]) as url:
        yield url


def control(browser, label_text: str):
    """The form control a visible <label> names (the page's labels must be wired to their controls)."""
    (label,) = [x for x in browser.find_elements(By.CSS_SELECTOR, "#simulator label") if x.text == label_text]
    return browser.find_element(By.ID, label.get_attribute("for"))


# Generous: CI machines are shared, and a loaded one may take seconds to answer.
WAIT_SECONDS = 30


def wait_until(browser, condition, message: str = "") -> None:
    """Wait for the page; the answer is replaced whole on every update, so a found element may go stale."""
    WebDriverWait(browser, WAIT_SECONDS, ignored_exceptions=(StaleElementReferenceException,)).until(condition, message)


def wait_for_answer(browser, output: str, value: str) -> None:
    selector = f'#answer tr[data-output="{output}"] td'

    def shown(driver) -> bool:
        cells = driver.find_elements(By.CSS_SELECTOR, selector)
        return bool(cells) and cells[0].text == value and driver.find_element(By.ID, "answer").get_attribute("aria-busy") is None

    wait_until(browser, shown, f"{output} never showed {value!r}")


def fired_rules(browser) -> list[str]:
    return [x.get_attribute("data-fired-rule") for x in browser.find_elements(By.CSS_SELECTOR, "#answer [data-fired-rule]")]


def test_the_worked_example_in_the_browser(browser, base_url):
    browser.get(base_url + "/")
    assert browser.find_element(By.CSS_SELECTOR, 'nav a[aria-current="page"]').text == "registrering"
    # Nothing chosen yet: the page asks for the missing inputs instead of answering.
    status = browser.find_element(By.CSS_SELECTOR, "#answer [data-status]")
    assert status.get_attribute("data-status") == "invalid"
    assert "yrkesroll" in browser.find_element(By.CSS_SELECTOR, "#answer .problems").text

    # A nurse passes the case, inside 1177 direkt, to a doctor at the same unit, the next day.
    Select(control(browser, "yrkesroll")).select_by_visible_text("sjuksköterska")
    Select(control(browser, "kontakt")).select_by_visible_text("1177 direkt")
    Select(control(browser, "vidare")).select_by_visible_text("digitalt samma enhet annan dag")
    assert Select(control(browser, "ärendetyp")).first_selected_option.text == "absent (null)"
    assert not control(browser, "ersätter_besök").is_selected()

    wait_for_answer(browser, "avslutar_ärendet", "mottagaren")
    assert fired_rules(browser) == ["R7"]
    answer = browser.find_element(By.ID, "answer")
    assert "Rule R7 of registrering applies." in answer.text
    rule = browser.find_element(By.CSS_SELECTOR, '#answer [data-fired-rule="R7"]')
    assert "Källa\n3.1.2" in rule.text
    assert "Sjuksköterska skickar vidare i 1177 direkt, samma enhet, annan dag" in rule.text
    assert browser.find_element(By.CSS_SELECTOR, '#answer tr[data-output="registreras"] td').text == "yes"
    assert browser.find_element(By.CSS_SELECTOR, '#answer tr[data-output="vårdkontakt"] td').text == "Text som inte ersätter besök"

    # The address now holds the case: opening it again gives the same answer, rendered by the server.
    query = parse_qs(urlsplit(browser.current_url).query)
    assert query["yrkesroll"] == ["sjuksköterska"] and query["vidare"] == ["digitalt samma enhet annan dag"]
    browser.get(browser.current_url)
    assert fired_rules(browser) == ["R7"]


def test_keyboard_alone_changes_the_answer(browser, base_url):
    browser.get(base_url + "/?yrkesroll=sjuksköterska&kontakt=1177+direkt&vidare=digitalt+samma+enhet+annan+dag")
    assert fired_rules(browser) == ["R7"]
    target = control(browser, "ersätter_besök").get_attribute("id")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Skip to the answer"  # the first stop skips the form
    for _ in range(30):
        if browser.switch_to.active_element.get_attribute("id") == target:
            break
        browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("id") == target, "Tab never reached ersätter_besök"
    browser.switch_to.active_element.send_keys(Keys.SPACE)  # the contact now replaces a visit
    wait_for_answer(browser, "diagnos_och_kva", "yes")
    assert fired_rules(browser) == ["R8"]


def test_a_case_the_tables_do_not_describe(browser, base_url):
    browser.get(base_url + "/?yrkesroll=sjuksköterska&kontakt=1177+direkt&vidare=nej")
    Select(control(browser, "ärendetyp")).select_by_visible_text("receptförnyelse")

    def said(driver) -> bool:
        found = driver.find_elements(By.CSS_SELECTOR, '#answer [data-status="no-rule"]')
        return bool(found) and "The tables do not describe this case." in found[0].text

    wait_until(browser, said, "the page never said that the tables do not describe the case")
    assert fired_rules(browser) == []
    assert browser.find_elements(By.CSS_SELECTOR, "#answer tr[data-output]") == []
