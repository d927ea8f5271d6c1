// The exhibitor directory: after htmx replaces the results, announce how many there are.
// The results are not a live region themselves: a screen reader would read every card aloud.
document.addEventListener("htmx:afterSwap", (event) => {
  const results = event.detail.target;
  if (results.id !== "directory-results") {
    return;
  }
  const count = results.querySelector("[data-testid=directory-count]");
  const status = document.getElementById("directory-status");
  if (count && status) {
    status.textContent = count.textContent.trim();
  }
});
