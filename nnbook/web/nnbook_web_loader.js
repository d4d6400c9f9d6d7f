/* "Try it here" on a chapter page: shows the button, and loads the model web's script (nnbook_web.js, beside
 * this file) only when the reader clicks it; the script then loads TensorFlow.js and the chapter's model.
 * A chapter page thus carries 1 kB for its "Try your own photo" block instead of the tool's 29 kB.
 */
(function () {
  "use strict";
  const script = document.currentScript;
  const BASE = script ? script.src.replace(/[^/]*$/, "") : "_static/nnbook-web/";
  let loading = null;

  function load() {  // -> Promise<window.nnbookWeb>, loaded once
    if (window.nnbookWeb) return Promise.resolve(window.nnbookWeb);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        const s = document.createElement("script");
        s.src = BASE + "nnbook_web.js";
        s.onload = function () { resolve(window.nnbookWeb); };
        s.onerror = function () { loading = null; reject(new Error("could not load " + s.src)); };
        document.head.appendChild(s);
      });
    }
    return loading;
  }

  function bind() {
    for (const block of document.querySelectorAll(".nnbook-web-upload")) {
      const button = block.querySelector(".nnbook-web-try");
      const target = block.querySelector(".nnbook-web-live");
      if (!button || !target || button.nnbookBound) continue;
      button.nnbookBound = true;
      button.hidden = false;
      button.addEventListener("click", function () {
        button.hidden = true;
        target.setAttribute("data-nnbook-web-model", block.getAttribute("data-nnbook-web-model"));
        load().then(function (web) { web.mount(target); }, function (err) {
          button.hidden = false;
          target.textContent = "The tool could not be loaded (" + err.message + "); reload the page.";
        });
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", bind);
  else bind();
})();
