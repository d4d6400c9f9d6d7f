// Course website helpers (no network, no dependencies).
// A click anywhere in a collapsible block's title (its words, a formula, a former link) opens or closes the block:
// sphinx-togglebutton only handles clicks on the title element itself or on its button.
document.addEventListener("click", (event) => {
  const title = event.target.closest && event.target.closest(".admonition-title");
  if (!title || !title.dataset.button || event.target === title || event.target.closest(".toggle-button")) {
    return;
  }
  event.preventDefault();
  event.stopPropagation();
  title.click();
}, true);
