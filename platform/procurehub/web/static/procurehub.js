// The design system's scripts on every page, from a file so pages carry no inline script
// (the Content-Security-Policy allows scripts from this site only).
import DS from "./sgds/scripts/design-system.js";

document.documentElement.classList.add("js-enabled");
DS.initAll();

// On a small screen a wide table or chart scrolls sideways inside the page (procurehub.css),
// itself or in a `.ph_scroll` wrapper. A region that scrolls must be reachable from the
// keyboard, so it joins the tab order while it scrolls (named by the table's caption or the
// section's heading) and leaves it when the screen is wide enough again. Wrappers that are
// always focusable (`.ph_table-scroll` with tabindex in the page) are left as they are.
function scrolls(element) {
  const overflow = getComputedStyle(element).overflowX;
  return (overflow === "auto" || overflow === "scroll") && element.scrollWidth > element.clientWidth + 1;
}

function markScrollingTables() {
  document.querySelectorAll("main table.ds_table, main .ph_scroll, main figure.ph_timeline, main figure.ph_chart").forEach((element) => {
    if (scrolls(element)) {
      if (!element.hasAttribute("tabindex")) {
        element.setAttribute("tabindex", "0");
        element.dataset.phFocusable = "scrolling";
      }
      const table = element.matches("table") ? element : element.querySelector("table");
      const named = table && (table.querySelector("caption") || table.hasAttribute("aria-label") || table.hasAttribute("aria-labelledby"));
      if (!named && !element.hasAttribute("aria-label")) {
        const title = element.querySelector("svg > title");
        const heading = element.closest("section, div")?.querySelector("h2, h3");
        const name = title ? `${title.textContent.trim()} (chart, scrolls sideways)` : heading?.textContent.trim();
        if (name) element.setAttribute("aria-label", name);
      }
    } else if (element.dataset.phFocusable === "scrolling") {
      element.removeAttribute("tabindex");
      delete element.dataset.phFocusable;
    }
  });
}

let pending = 0;
markScrollingTables();
window.addEventListener("resize", () => {
  cancelAnimationFrame(pending);
  pending = requestAnimationFrame(markScrollingTables);
});
