// The import page while the worker checks or imports a large file: ask how far it got every
// second, show it, and reload the page (the preview or the result) when it is done.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-progress]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-progress-text]");
  var checking = bar && bar.hasAttribute("value");

  function poll() {
    fetch(box.getAttribute("data-import-progress"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (state) {
        if (state.state !== "checking" && state.state !== "applying") {
          window.location.reload();
          return;
        }
        if (checking && state.rows_total) {
          bar.max = state.rows_total;
          bar.value = state.rows_done;
          text.textContent = state.rows_done + " of " + state.rows_total + " rows checked.";
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }
  window.setTimeout(poll, 1000);
})();
