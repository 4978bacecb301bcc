"""Full-page screenshots compared with reviewed baselines.

``Screenshots.take(page, name)`` shoots the page at 360, 768 and 1280 px into
``artifacts/screenshots/<name>-<width>.png`` (full size, to look at) and
compares a reduced copy with ``tests/browser/baselines/<name>-<width>.png``.

Baselines are a quarter of the size and 64 colours: small enough to keep in
the repository, detailed enough to show a broken layout. A pixel counts as
changed when one colour channel moves by more than ``PIXEL_THRESHOLD`` (font
anti-aliasing moves a few levels); a shot fails when more than
``ALLOWED_FRACTION`` of its pixels changed, or its height changed by more than
``ALLOWED_HEIGHT_CHANGE``. The comparison is row-aligned from the top, so a
block a few lines taller (one more open milestone, a longer note left by the
data of an earlier journey) shifts everything below it: those thresholds let
such shifts pass while a broken layout or a missing stylesheet, which changes
most of a page, fails. Images in the page are
masked with a flat colour: their size and place count, their pixels do not.
A failing shot leaves a
``-diff.png`` beside it in artifacts/, changed pixels in red.

After a deliberate change, ``make screenshots-update`` rewrites the baselines
(``SCREENSHOTS_UPDATE=1``); review them with ``git diff --stat`` and an image
viewer before committing.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from PIL import Image, ImageChops

from tests.conftest import ROOT

WIDTHS = (360, 768, 1280)
BASELINES = ROOT / "tests" / "browser" / "baselines"
SHOTS = ROOT / "artifacts" / "screenshots"
SCALE = 4  # baselines are 1/SCALE of the screenshot's size
COLOURS = 64
PIXEL_THRESHOLD = 48
ALLOWED_FRACTION = 0.25
ALLOWED_HEIGHT_CHANGE = 0.08


def updating() -> bool:
    return os.environ.get("SCREENSHOTS_UPDATE", "") not in {"", "0", "false"}


def reduced(image: Image.Image) -> Image.Image:
    """The baseline form of a screenshot: smaller, 64 colours, as RGB."""
    image = image.convert("RGB")
    small = image.resize(
        (max(1, image.width // SCALE), max(1, image.height // SCALE)),
        Image.Resampling.BOX,
    )
    return small.quantize(COLOURS, dither=Image.Dither.NONE).convert("RGB")


def difference(actual: Image.Image, expected: Image.Image) -> tuple[float, Image.Image]:
    """(fraction of changed pixels, a mask of them) over the larger canvas;
    rows only one image has count as changed."""
    width = max(actual.width, expected.width)
    height = max(actual.height, expected.height)
    canvases = []
    for image in (actual, expected):
        canvas = Image.new("RGB", (width, height), (255, 0, 255))
        canvas.paste(image, (0, 0))
        canvases.append(canvas)
    diff = ImageChops.difference(*canvases)
    red, green, blue = diff.split()
    largest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    mask = largest.point(lambda level: 255 if level > PIXEL_THRESHOLD else 0)
    changed = mask.histogram()[255]
    return changed / (width * height), mask


class Screenshots:
    """Collects every mismatch of a test run; ``problems`` is empty when all
    shots match their baselines (or were just written)."""

    def __init__(self):
        self.problems: dict[str, str] = {}
        self.taken: list[str] = []

    def take(self, page, name: str, *, widths=WIDTHS) -> None:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
        original = page.viewport_size
        for width in widths:
            # A viewport as tall as the page: sticky parts (the donate bar) sit
            # where they rest, not over the content one screen down.
            page.set_viewport_size({"width": width, "height": 900})
            height = page.evaluate("document.documentElement.scrollHeight")
            page.set_viewport_size({"width": width, "height": height})
            self.check(page, f"{name}-{width}")
        page.set_viewport_size(original)

    def check(self, page, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / f"{name}.png"
        page.screenshot(
            path=str(shot),
            full_page=True,
            animations="disabled",
            # Photos are content, not design: their boxes are compared, not
            # their pixels (or whether the test's media folder still has them).
            mask=[page.locator("main img")],
            mask_color="#9a8aa6",
        )
        self.taken.append(name)
        actual = reduced(Image.open(shot))
        baseline = BASELINES / f"{name}.png"
        if updating():
            BASELINES.mkdir(parents=True, exist_ok=True)
            actual.quantize(COLOURS, dither=Image.Dither.NONE).save(
                baseline, optimize=True
            )
            return
        if not baseline.exists():
            self.problems[name] = "no baseline: run make screenshots-update"
            return
        expected = Image.open(baseline).convert("RGB")
        fraction, mask = difference(actual, expected)
        height_change = abs(actual.height - expected.height) / expected.height
        if fraction > ALLOWED_FRACTION or height_change > ALLOWED_HEIGHT_CHANGE:
            overlay = actual.copy()
            overlay.paste((255, 0, 0), (0, 0), mask.crop((0, 0, *actual.size)))
            overlay.save(SHOTS / f"{name}-diff.png")
            self.problems[name] = (
                f"{fraction:.1%} of pixels changed, height {expected.height * SCALE}"
                f" -> {actual.height * SCALE} px (see {shot.relative_to(ROOT)})"
            )


def baseline_names() -> set[str]:
    return {path.stem for path in Path(BASELINES).glob("*.png")}
