"""The HTML view of srcdiff.show in a real browser: the system's headless Chromium, driven
by Selenium through the system's chromedriver (nothing is downloaded). Skipped where
either is missing; `.ci/run` installs them (Debian's chromium and chromium-driver)."""
import os
import shutil

import numpy as np
import pytest

import srcdiff
from html_helpers import long_function

webdriver = pytest.importorskip("selenium.webdriver",
                                reason="selenium is not installed (pip install .[browser])")


def _browser():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def looped(x, w):
    """A docstring with <script>window.pwned = 1</script> in it."""
    h = np.tanh(x @ w)
    s = 0.0
    for i in range(3):
        if s < 1.0:
            s = s + np.sum(h * h)  # <b>not bold</b>
        else:
            s = s * 2.0
    return s


@pytest.fixture(scope="module")
def driver():
    browser, chromedriver = _browser(), shutil.which("chromedriver")
    if browser is None or chromedriver is None:
        pytest.skip("no system Chromium and chromedriver (apt-get install chromium "
                    "chromium-driver)")
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,900"):
        options.add_argument(arg)
    # an explicit driver path: Selenium Manager never tries to download one
    drv = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    drv.set_page_load_timeout(20)
    yield drv
    drv.quit()


def _open(driver, derivative, tmp_path, name):
    path = srcdiff.show(derivative, tmp_path / name)
    url = "file://" + os.path.abspath(path)
    driver.get(url)
    return url


def _classes(element):
    return (element.get_attribute("class") or "").split()


def test_links_and_highlights_work_in_chromium(driver, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    url = _open(driver, srcdiff.grad(looped), tmp_path, "grad.html")
    first = looped.__code__.co_firstlineno
    assert driver.execute_script("return window.pwned") is None  # the docstring is text
    primal_text = driver.find_element(By.CSS_SELECTOR, ".sd-primal").text
    assert "<script>window.pwned = 1</script>" in primal_text
    assert "# <b>not bold</b>" in primal_text

    # the block of adjoint lines of `s = s + np.sum(h * h)`
    target = f"0-{first + 6}"
    block = driver.find_element(By.CSS_SELECTOR, f'a.sd-block[data-sd="{target}"]')
    assert block.text.splitlines()[0].endswith("# line %d: s = s + np.sum(h * h)  "
                                               "# <b>not bold</b>" % (first + 6))
    primal = driver.find_element(By.CSS_SELECTOR, f'.sd-primal .sd-line[data-sd="{target}"]')
    assert primal.text.split(None, 1)[1] == "s = s + np.sum(h * h)  # <b>not bold</b>"

    ActionChains(driver).move_to_element(block).perform()
    assert "sd-hover" in _classes(primal) and "sd-hover" in _classes(block)

    block.click()
    assert "sd-selected" in _classes(primal) and "sd-selected" in _classes(block)
    others = driver.find_elements(By.CSS_SELECTOR, ".sd-selected")
    assert {e.get_attribute("data-sd") for e in others} == {target}
    shot = tmp_path / "srcdiff-view.png"  # SRCDIFF_SCREENSHOT=path keeps a copy to look at
    assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10000
    if os.environ.get("SRCDIFF_SCREENSHOT"):
        shutil.copy(shot, os.environ["SRCDIFF_SCREENSHOT"])

    # clicking a primal line selects its blocks instead
    line = f"0-{first + 8}"  # s = s * 2.0
    driver.find_element(By.CSS_SELECTOR, f'.sd-primal .sd-line[data-sd="{line}"]').click()
    selected = driver.find_elements(By.CSS_SELECTOR, "a.sd-block.sd-selected")
    assert selected and all(e.get_attribute("data-sd") == line for e in selected)
    assert "sd-selected" not in _classes(primal)

    # the link itself: followed without JavaScript's help, the primal line is the target
    href = block.get_attribute("href")
    assert href.startswith(url + "#")
    driver.get(href)
    hit = driver.execute_script("return document.querySelector(':target')")
    assert hit is not None and hit.get_attribute("data-sd") == target
    assert hit.value_of_css_property("background-color") != \
        driver.find_element(By.CSS_SELECTOR, ".sd-primal .sd-line").value_of_css_property(
            "background-color")


def test_a_click_unfolds_a_long_source(driver, tmp_path):
    from selenium.webdriver.common.by import By
    long_one = long_function()
    _open(driver, srcdiff.jvp(long_one), tmp_path, "long.html")
    folds = driver.find_elements(By.CSS_SELECTOR, "details.sd-fold")
    assert len(folds) == 2 and not any(f.get_attribute("open") for f in folds)
    folds[0].find_element(By.TAG_NAME, "summary").click()  # unfold the primal
    line = f"0-{long_one.__code__.co_firstlineno + 40}"
    driver.find_element(By.CSS_SELECTOR, f'.sd-primal .sd-line[data-sd="{line}"]').click()
    block = driver.find_element(By.CSS_SELECTOR, f'a.sd-block[data-sd="{line}"]')
    assert folds[1].get_attribute("open") is not None  # the emitted side unfolded to it
    assert "sd-selected" in _classes(block)
    assert driver.execute_script(
        "var r = arguments[0].getBoundingClientRect(), box = arguments[0].closest('.sd-box')"
        ".getBoundingClientRect(); return r.top >= box.top && r.bottom <= box.bottom + 1;",
        block)  # scrolled into view inside its pane
