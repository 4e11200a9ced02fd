// Copy buttons for secrets shown once (API tokens, calendar addresses, webhook secrets).
// A button `.js-copy` names its field in `data-copy-target`; it stays hidden without
// JavaScript or a clipboard, where the field itself (read-only, selectable) is enough.
// From a file, not inline, so pages work under a Content-Security-Policy without 'unsafe-inline'.
for (const button of document.querySelectorAll(".js-copy")) {
  const field = document.getElementById(button.dataset.copyTarget);
  const status = button.parentElement.querySelector(".js-copy-status");
  if (!field || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      if (status) status.textContent = "Copied.";
    } catch {
      field.select();
      if (status) status.textContent = "Select the text and copy it (Ctrl+C, or ⌘+C on a Mac).";
    }
  });
}
