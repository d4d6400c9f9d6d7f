"""One desktop visit per page, read once for every check made at the laptop size.

Opening a page costs seconds (MathJax, every figure, the network going idle), so the page-weight, figure,
layout, contents and page checks (``test_weight.py``, ``test_figures.py``, ``test_layout.py``,
``test_contents.py``, ``test_site.py``) no longer open it each on their own: :func:`read_desktop` opens it once
at :data:`sitecheck.DESKTOP` size and records what each of them asserts on, in an order that keeps every reading
as a first-time reader would see it: the bytes of the first visit before any lazy figure is forced, the layout
and the contents before a solution is opened, the solutions opened by a click on their title before the
layout check opens the rest, and the explorers' controls moved last. The session fixture
:func:`sitecheck.desktop` keeps the readings; each test file reads its part.
"""

from __future__ import annotations

from sitecheck import DESKTOP, SCREENSHOTS, Visit

CONTENTS_WAIT_MS = 1_500
"""How long the contents may take to highlight a section once the reader has scrolled to it."""

PICTURE = """root => {
    const p = root.querySelector('[data-picture]');
    return p.tagName.toLowerCase() === 'img' ? p.getAttribute('src') : p.innerHTML;
}"""

MOVE = """el => {
    if (el.tagName.toLowerCase() === 'select') {
        if (el.options.length < 2) return false;
        el.selectedIndex = (el.selectedIndex + 1) % el.options.length;
    } else {
        const low = Number(el.min || 0), high = Number(el.max || 100);
        if (high <= low) return false;
        el.value = Number(el.value) === low ? high : low;
    }
    el.dispatchEvent(new Event('input', {bubbles: true}));
    el.dispatchEvent(new Event('change', {bubbles: true}));
    return true;
}"""

MATHS = """() => {
    const all = Array.from(document.querySelectorAll('.bd-article .math'));
    return {total: all.length, raw: all.filter(m => !m.querySelector('mjx-container'))
                                      .map(m => m.textContent.slice(0, 60))};
}"""

PICTURES = """() => {
    const imgs = Array.from(document.querySelectorAll('.bd-article img'));
    const svgs = document.querySelectorAll('.bd-article svg[data-picture]').length;
    return {loaded: imgs.filter(i => i.complete && i.naturalWidth > 0).length + svgs,
            broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80))};
}"""

FIGURES = """() => Array.from(document.querySelectorAll('.bd-article img')).map(img => ({
    src: img.getAttribute('src'), alt: img.getAttribute('alt'), natural: img.naturalWidth,
    shown: img.getBoundingClientRect().width, visible: img.offsetParent !== null,
    frame: img.hasAttribute('data-picture'), output: !!img.closest('.cell_output')}))"""

SVG_PICTURES = """() => Array.from(document.querySelectorAll('.bd-article svg[data-picture]'))
    .map(svg => svg.getAttribute('aria-label') || '')"""

SLIDERS = """() => Array.from(document.querySelectorAll('.nnbook-explorer input[type=range]')).map(el => {
    const labels = JSON.parse(el.dataset.labels || 'null');
    const before = el.getAttribute('aria-valuetext');
    const expected = labels ? labels[Number(el.value) - Number(el.min)] : null;
    el.value = Number(el.value) === Number(el.min) ? el.max : el.min;
    el.dispatchEvent(new Event('input', {bubbles: true}));
    const after = el.getAttribute('aria-valuetext');
    const moved = labels ? labels[Number(el.value) - Number(el.min)] : null;
    return {before, expected, after, moved, position: el.value};
})"""

BOXES = """() => {
    // Code cells and their outputs (myst-nb), code blocks in the prose, and printed tables.
    const boxes = document.querySelectorAll(
        '.bd-article div.cell_input pre, .bd-article div.cell_output pre, .bd-article div.cell_output table,'
        + ' .bd-article div.highlight pre, .bd-article div.cell_output .output');
    const wide = [];
    boxes.forEach((box, i) => {
        // 4 px of slack for sub-pixel rounding (every solution is opened first: see OPEN_SOLUTIONS).
        if (box.scrollWidth > box.clientWidth + 4) {
            const kind = box.closest('.cell_input') ? 'code' : box.closest('.cell_output') ? 'output' : 'block';
            const lines = (box.innerText || '').split('\\n');
            const longest = lines.reduce((a, b) => (b.length > a.length ? b : a), '');
            wide.push(`${kind} box ${i + 1}: ${box.scrollWidth} px of content in ${box.clientWidth} px, `
                      + `longest line ${longest.length} characters: ${longest.slice(0, 60)}`);
        }
    });
    return wide;
}"""

OPEN_SOLUTIONS = """() => {
    // Open every closed solution (and dropdown) as a reader would, by a click on its title: the code inside
    // an opened solution is measured too, in the narrower box of the admonition.
    const closed = document.querySelectorAll('.bd-article .dropdown.toggle-hidden > .admonition-title');
    closed.forEach(title => title.click());
    document.querySelectorAll('.bd-article details').forEach(d => { d.open = true; });
    return closed.length;
}"""

PAGE_WIDTH = """() => {
    const cut = [];
    document.querySelectorAll('.bd-article p, .bd-article li, .bd-article h1, .bd-article h2').forEach(el => {
        // Text inside a box that scrolls sideways on its own (a wide table, a code block) is not cut off.
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
            if (['auto', 'scroll'].includes(getComputedStyle(up).overflowX)) return;
        }
        const box = el.getBoundingClientRect();
        if (box.width > 0 && (box.left < -1 || box.right > window.innerWidth + 1)) {
            cut.push(`${el.tagName.toLowerCase()} from ${Math.round(box.left)} to ${Math.round(box.right)} px: `
                     + el.textContent.trim().slice(0, 50));
        }
    });
    return {page: document.documentElement.scrollWidth, screen: window.innerWidth, cut: cut.slice(0, 5)};
}"""

SECTIONS = """() => Array.from(document.querySelectorAll('#pst-page-toc-nav a.nav-link[href^="#"]'))
    .map(a => a.getAttribute('href').slice(1)).filter(id => id && document.getElementById(id))"""

SCROLL_TO = """id => {
    const target = document.getElementById(id);
    const heading = target.querySelector(':is(h1,h2,h3,h4,h5,h6)') || target;
    const header = document.querySelector('#pst-header');
    const top = heading.getBoundingClientRect().top + window.scrollY - (header ? header.offsetHeight : 0) - 20;
    window.scrollTo(0, Math.max(0, top));
}"""

ACTIVE = """ids => {
    // The theme highlights the section whose heading last entered the top 30 % of the window (under the
    // header): any section whose heading is in that band now may be the one highlighted.
    const header = document.querySelector('#pst-header');
    const low = header ? header.getBoundingClientRect().bottom : 0, high = low + 0.3 * window.innerHeight;
    const inBand = ids.filter(id => {
        const target = document.getElementById(id);
        const top = (target.querySelector(':is(h1,h2,h3,h4,h5,h6)') || target).getBoundingClientRect().top;
        return top >= low - 30 && top <= high;
    });
    // A section counts as highlighted when its own entry is, or one of its subsections' (the theme unfolds and
    // marks the whole chain: the section's list item is active too).
    const active = Array.from(document.querySelectorAll('#pst-page-toc-nav li.active > a.nav-link'))
        .map(a => a.getAttribute('href').slice(1));
    return {active, inBand};
}"""


HIGHLIGHTED = (
    """([id, ids]) => {
    const found = ("""
    + ACTIVE.strip()
    + """)(ids);
    return found.active.includes(id) || found.active.some(a => found.inBand.includes(a));
}"""
)


def read_weight(visit: Visit) -> dict:
    """What the first visit downloaded once the network is idle (no lazy figure forced), and its formulas."""
    visit.page.wait_for_load_state("networkidle")
    return {
        "bytes": dict(visit.bytes),
        "formulas": visit.page.locator(".bd-article .math").count(),
    }


def read_contents(visit: Visit) -> dict:
    """Scroll to each section of the page's contents; list those the contents do not highlight then."""
    sections = visit.page.evaluate(SECTIONS)
    wrong = []
    for section in sections if len(sections) >= 2 else []:
        visit.page.evaluate(SCROLL_TO, section)
        try:  # the theme's scroll spy answers within a frame or two
            visit.page.wait_for_function(
                HIGHLIGHTED, arg=[section, sections], timeout=CONTENTS_WAIT_MS
            )
        except Exception:  # noqa: BLE001 - a Playwright timeout: not highlighted, said below
            found = visit.page.evaluate(ACTIVE, sections)
            wrong.append(
                f"at #{section} the contents highlight {found['active'] or 'nothing'}"
            )
    return {"sections": len(sections), "wrong": wrong}


def read_solutions(visit: Visit) -> list[str]:
    """Open every solution by a click on its title; the problems found (one that stays shut, a click that navigates)."""
    page = visit.page
    problems = []
    titles = page.locator(".solution.dropdown > .admonition-title")
    for i in range(titles.count()):
        url = page.url
        titles.nth(i).click()
        solution = page.locator(".solution.dropdown").nth(i)
        body = solution.locator(":scope > :not(.admonition-title)").first
        if (
            "toggle-hidden" in (solution.get_attribute("class") or "")
            or not body.is_visible()
        ):
            problems.append(
                f"solution {i + 1} stays hidden after a click on its title"
            )
        if page.url != url:
            problems.append(
                f"solution {i + 1}: the click on its title navigated to {page.url}"
            )
    return problems


def read_explorers(visit: Visit) -> list[str]:
    """Move every control of every explorer once; the problems found (an explorer whose picture did not change)."""
    problems = []
    explorers = visit.page.locator(".nnbook-explorer")
    for e in range(explorers.count()):
        explorer = explorers.nth(e)
        if explorer.locator("[data-picture]").count() != 1:
            problems.append(f"explorer {e + 1} has no single [data-picture]")
            continue
        controls = explorer.locator("[data-param], [data-epochs]")
        if controls.count() == 0:
            problems.append(f"explorer {e + 1} has no controls")
        for c in range(controls.count()):
            before = explorer.evaluate(PICTURE)
            if not controls.nth(c).evaluate(MOVE):
                continue  # a control with a single position cannot move
            after = explorer.evaluate(PICTURE)
            if not after or after == before:
                problems.append(
                    f"explorer {e + 1}: its picture did not change when control {c + 1} moved"
                )
    return problems


def read_desktop(browser, base: str, page: str) -> dict:
    """Open ``page`` once at the laptop size (network blocked) and read everything the desktop checks assert on.

    Returns:
        ``weight`` (bytes per URL of the first visit, formula count), ``blocked``, ``maths``,
        ``pictures``, ``figures`` (images, svgs, sliders), ``width`` (page and screen width, text cut off),
        ``contents`` (sections, those not highlighted), ``solution_problems``, ``boxes`` (code or output boxes
        wider than the column), ``explorer_problems`` and ``errors`` (console errors of the whole visit).
    """
    seen = Visit(browser, base, base + page + ".html", viewport=DESKTOP)
    try:
        found: dict = {"weight": read_weight(seen)}
        found["maths"] = seen.page.evaluate(MATHS)
        seen.load_every_image()
        found["pictures"] = seen.page.evaluate(PICTURES)
        if page.startswith("chapters/"):
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            seen.page.screenshot(
                path=str(SCREENSHOTS / f"{page.split('/')[1]}.png"),
                full_page=True,
            )
        found["figures"] = {
            "images": seen.page.evaluate(FIGURES),
            "svgs": seen.page.evaluate(SVG_PICTURES),
        }
        found["width"] = seen.page.evaluate(PAGE_WIDTH)
        found["contents"] = read_contents(seen)
        found["solution_problems"] = read_solutions(seen)
        # then the rest (other dropdowns, <details>) for the layout check
        seen.page.evaluate(OPEN_SOLUTIONS)
        seen.page.wait_for_timeout(500)  # the toggle's animation
        found["boxes"] = seen.page.evaluate(BOXES)
        found["explorer_problems"] = read_explorers(seen)
        found["figures"]["sliders"] = seen.page.evaluate(SLIDERS)
        found["blocked"] = list(seen.blocked)  # requests to other hosts, whole visit
        found["errors"] = list(seen.errors)
        return found
    finally:
        seen.close()
