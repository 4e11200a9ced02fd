// The design system's scripts on every page, from a file so pages carry no inline script
// (the Content-Security-Policy allows scripts from this site only).
import DS from "./sgds/scripts/design-system.js";

document.documentElement.classList.add("js-enabled");
DS.initAll();

// On a small screen a wide table scrolls sideways inside the page (procurehub.css). A region
// that scrolls must be reachable from the keyboard, so such a table joins the tab order (its
// caption names it) while it scrolls, and leaves it when the screen is wide enough again.
function markScrollingTables() {
  document.querySelectorAll("table.ds_table").forEach((table) => {
    if (table.scrollWidth > table.clientWidth + 1) {
      table.setAttribute("tabindex", "0");
      if (!table.querySelector("caption") && !table.hasAttribute("aria-label")) {
        const heading = table.closest("section, div")?.querySelector("h2, h3");
        if (heading) table.setAttribute("aria-label", heading.textContent.trim());
      }
    } else if (table.getAttribute("tabindex") === "0") {
      table.removeAttribute("tabindex");
    }
  });
}

let pending = 0;
markScrollingTables();
window.addEventListener("resize", () => {
  cancelAnimationFrame(pending);
  pending = requestAnimationFrame(markScrollingTables);
});
