// The design system's scripts on every page, from a file so pages carry no inline script.
import DS from "./sgds/scripts/design-system.js";

document.documentElement.classList.add("js-enabled");
DS.initAll();
