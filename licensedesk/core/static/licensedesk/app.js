// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // <form data-confirm="Question?">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // <button data-copy="#selector">: copy that element's text.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (source && navigator.clipboard) {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = "Copied";
      });
    }
  });
})();

// <a href="…" data-dialog>: open that page's form in the page's <dialog id="dialog">.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-dialog]");
    var dialog = document.getElementById("dialog");
    if (!link || !dialog || typeof dialog.showModal !== "function") return;
    event.preventDefault();
    var url = new URL(link.href, window.location.href);
    url.searchParams.set("partial", "1");
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        dialog.querySelector(".dialog-body").innerHTML = html;
        dialog.showModal();
        var first = dialog.querySelector("input:not([type=hidden]), select, textarea");
        if (first) first.focus();
      });
  });

  // A form in the dialog is sent from the dialog: refused, it comes back there with its
  // errors; done, the server answers 201 with the page to go to.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var dialog = form.closest && form.closest("dialog#dialog");
    if (!dialog || event.defaultPrevented) return;
    event.preventDefault();
    var url = new URL(form.action, window.location.href);
    url.searchParams.set("partial", "1");
    fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 201) {
          window.location.assign(response.headers.get("Location"));
          return null;
        }
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        if (html === null) return;
        dialog.querySelector(".dialog-body").innerHTML = html;
        var wrong = dialog.querySelector(".has-error input, .has-error select, .has-error textarea");
        var first = wrong || dialog.querySelector("input:not([type=hidden]), select, textarea");
        if (first) first.focus();
      })
      .catch(function (error) {
        var note = document.createElement("p");
        note.className = "error";
        note.setAttribute("role", "alert");
        note.textContent = error.message === "429"
          ? "Too many attempts: wait a minute, then try again."
          : "Saving failed; try again.";
        form.prepend(note);
      });
  });

  // A Cancel link inside a dialog closes it.
  document.addEventListener("click", function (event) {
    var close = event.target.closest && event.target.closest("[data-close-dialog]");
    var dialog = close && close.closest("dialog");
    if (dialog) {
      event.preventDefault();
      dialog.close();
    }
  });

  // <input type=checkbox data-select-all="name">: tick or untick every box of that name.
  document.addEventListener("change", function (event) {
    var name = event.target.getAttribute && event.target.getAttribute("data-select-all");
    if (!name) return;
    document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
      box.checked = event.target.checked;
    });
  });
})();

// <input data-filter="#list">: show only the labels of #list whose data-text holds the query.
document.addEventListener("input", function (event) {
  "use strict";
  var selector = event.target.getAttribute && event.target.getAttribute("data-filter");
  if (!selector) return;
  var query = event.target.value.trim().toLowerCase();
  document.querySelectorAll(selector + " [data-text]").forEach(function (label) {
    label.hidden = query !== "" && label.getAttribute("data-text").indexOf(query) === -1;
  });
});

// On a phone the main navigation folds behind the Menu button. The button is shown by this
// script only, so that without it the navigation stays open.
(function () {
  "use strict";
  var button = document.querySelector(".menu-toggle");
  var nav = document.getElementById("main-nav");
  if (!button || !nav) return;
  button.hidden = false;
  nav.classList.add("collapsed");
  button.addEventListener("click", function () {
    var open = nav.classList.toggle("collapsed") === false;
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();

// <button data-needs="field" data-needs-message="…">: refuse the submit while that field of
// its form is empty; <form data-needs-ticked="name" data-needs-ticked-message="…">: while no
// box of that name is ticked. The reason shows in the form's [data-needs-problem] and
// nothing on the page changes (the server refuses the same way without this script).
document.addEventListener("submit", function (event) {
  "use strict";
  var form = event.target;
  var button = event.submitter;
  var problem = form.querySelector && form.querySelector("[data-needs-problem]");
  if (!problem) return;
  var message = null;
  var focus = null;
  var ticked = form.getAttribute("data-needs-ticked");
  if (ticked && !form.querySelector('input[name="' + ticked + '"]:checked')) {
    message = form.getAttribute("data-needs-ticked-message");
  } else if (button && button.hasAttribute("data-needs")) {
    focus = form.elements[button.getAttribute("data-needs")];
    if (focus && !focus.value) message = button.getAttribute("data-needs-message");
  }
  if (!message) return;
  event.preventDefault();
  problem.textContent = message;
  problem.hidden = false;
  if (focus) focus.focus();
});

// <form data-check-required>: before sending, an empty required field gets the message the
// server would give, under it, and the focus; what was typed or picked stays on the page.
document.addEventListener("submit", function (event) {
  "use strict";
  var form = event.target;
  if (!form.hasAttribute || !form.hasAttribute("data-check-required")) return;
  var first = null;
  form.querySelectorAll("[required]").forEach(function (control) {
    var field = control.closest(".field") || control.parentNode;
    var shown = field.querySelector("[data-client-error]");
    if (shown) shown.remove();
    if (control.disabled || control.value.trim() !== "") {
      control.removeAttribute("aria-invalid");
      return;
    }
    control.setAttribute("aria-invalid", "true");
    field.classList.add("has-error");
    if (!field.querySelector(".error")) {  // the server's own message may be there already
      var message = document.createElement("p");
      message.className = "error";
      message.setAttribute("data-client-error", "");
      message.textContent = "This field is required.";
      field.appendChild(message);
    }
    if (!first) first = control;
  });
  if (first) {
    event.preventDefault();
    first.focus();
  }
});
