"""Accessibility basics checked in the browser: labels, text alternatives, headings,
language, contrast (WCAG 2 AA: 4.5:1 for text) and a visible keyboard focus."""

from __future__ import annotations

# Runs in the page: every problem found, as text.
AUDIT_SCRIPT = r"""
() => {
  const problems = [];
  if (!document.documentElement.lang) problems.push("<html> has no lang");
  if (document.querySelectorAll("h1").length !== 1) problems.push("expected exactly one <h1>");
  if (!document.title.trim()) problems.push("empty <title>");
  for (const field of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    const labelled = (field.id && document.querySelector(`label[for="${field.id}"]`)) || field.closest("label")
      || field.getAttribute("aria-label") || field.getAttribute("aria-labelledby");
    if (!labelled) problems.push(`unlabelled ${field.tagName.toLowerCase()} name=${field.name}`);
  }
  for (const image of document.querySelectorAll("img")) {
    if (!image.hasAttribute("alt")) problems.push(`<img src=${image.src}> has no alt`);
  }
  for (const svg of document.querySelectorAll("svg")) {
    if (!svg.getAttribute("aria-label") && !svg.querySelector("title")) problems.push("an <svg> chart has no label");
  }
  for (const link of document.querySelectorAll("a")) {
    if (!link.textContent.trim() && !link.getAttribute("aria-label") && !link.querySelector("title")) problems.push(`empty link ${link.href}`);
  }
  const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const rgba = (text) => (text.match(/[\d.]+/g) || []).map(Number);
  const background = (element) => {
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      const color = rgba(getComputedStyle(node).backgroundColor);
      if (color.length === 3 || (color.length === 4 && color[3] > 0.9)) return color.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const checked = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const element = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !element || checked.has(element)) continue;
    checked.add(element);
    if (element.closest("svg") || element.closest(".visually-hidden") || element.closest(".skip")) continue;
    const style = getComputedStyle(element);
    if (style.visibility === "hidden" || style.display === "none") continue;
    const fore = luminance(rgba(style.color).slice(0, 3));
    const back = luminance(background(element));
    const ratio = (Math.max(fore, back) + 0.05) / (Math.min(fore, back) + 0.05);
    if (ratio < 4.5) problems.push(`contrast ${ratio.toFixed(2)} < 4.5 for "${walker.currentNode.textContent.trim().slice(0, 40)}"`);
  }
  return problems;
}
"""


def audit(page) -> list[str]:
    """Accessibility problems on the current page (an empty list when there are none)."""
    return page.evaluate(AUDIT_SCRIPT)


def first_tab_stop_is_visible(page) -> tuple[str, bool]:
    """Presses Tab once on a freshly loaded page: what got focus, and whether it shows a focus outline."""
    page.keyboard.press("Tab")
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            const style = getComputedStyle(element);
            const visible = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
            return [element.textContent.trim(), visible];
        }"""
    )
