// The license picker of the group form: search the licenses on the server (page by page,
// never all of them), click to select or unselect, see the selection on the right. It posts
// only the changes: add="SLC SLC …" and remove="SLC SLC …". Without JavaScript the form
// shows a plain box for license codes instead.
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function describe(row) {
    return [row.product.name + " " + row.version, row.customer ? row.customer.name : "Unspecified",
            row.description].filter(Boolean).join(" · ");
  }

  function initPicker(root) {
    var form = root.closest("form");
    var api = root.getAttribute("data-api");
    var groupId = root.hasAttribute("data-group") ? Number(root.getAttribute("data-group")) : null;
    var search = root.querySelector("[data-picker-search]");
    var results = root.querySelector("[data-picker-results]");
    var status = root.querySelector("[data-picker-status]");
    var more = root.querySelector("[data-picker-more]");
    var selectedList = root.querySelector("[data-picker-selected]");
    var moreSelected = root.querySelector("[data-picker-more-selected]");
    var count = root.querySelector("[data-picker-count]");
    var fallback = form.querySelector("[data-picker-fallback]");

    var added = new Map();    // SLC -> row, not in the group yet
    var removed = new Map();  // SLC -> row, in the group, to take out
    var members = [];         // rows of the group loaded so far
    var memberTotal = 0, memberOffset = 0, query = "", offset = 0, timer = null, shown = [];
    var latest = 0;           // the newest search request; answers to older ones are dropped

    root.hidden = false;
    if (fallback) fallback.hidden = true;

    // A save the server refused (an empty name) comes back with what was picked.
    var picks = document.getElementById("picker-picks");
    if (picks) {
      var restored = JSON.parse(picks.textContent);
      restored.add.forEach(function (row) { added.set(row.slc, row); });
      restored.remove.forEach(function (row) { removed.set(row.slc, row); });
    }

    function isMember(row) {
      return groupId !== null && row.groups.some(function (g) { return g.id === groupId; });
    }
    function isSelected(row) {
      return added.has(row.slc) || (isMember(row) && !removed.has(row.slc));
    }
    function toggle(row) {
      if (isSelected(row)) {
        if (added.has(row.slc)) added.delete(row.slc); else removed.set(row.slc, row);
      } else if (removed.has(row.slc)) {
        removed.delete(row.slc);
      } else {
        added.set(row.slc, row);
      }
      render();
    }

    function fetchPage(params) {
      return fetch(api + "?" + new URLSearchParams(params), {
        credentials: "same-origin", headers: { Accept: "application/json" },
      }).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
    }

    function resultRow(row) {
      var tr = el("tr", { "class": "pickable", "data-slc": row.slc });
      var box = el("input", { type: "checkbox", "aria-label": "Select " + row.slc });
      var cell = el("td"); cell.appendChild(box); tr.appendChild(cell);
      var code = el("td"); code.appendChild(el("code", {}, row.slc)); tr.appendChild(code);
      tr.appendChild(el("td", {}, row.product.name + " " + row.version));
      tr.appendChild(el("td", {}, row.customer ? row.customer.name : "Unspecified"));
      tr.appendChild(el("td", {}, row.description));
      tr.addEventListener("click", function () { toggle(row); });
      shown.push({ row: row, box: box, tr: tr });
      return tr;
    }

    function loadResults(reset) {
      var request = ++latest;
      if (reset) { offset = 0; results.textContent = ""; shown = []; }
      status.textContent = "Searching…";
      fetchPage({ search: query, limit: 20, offset: offset }).then(function (data) {
        if (request !== latest) return;  // a newer search has replaced this one
        data.items.forEach(function (row) { results.appendChild(resultRow(row)); });
        offset += data.items.length;
        // A broad search is counted only so far: "more than" that many match.
        more.hidden = offset >= data.count && !data.count_capped;
        var total = (data.count_capped ? "more than " : "") + data.count.toLocaleString("en");
        status.textContent = data.count === 0 ? "No licenses match." :
          "Showing " + offset + " of " + total + ". Click a license to select or unselect it.";
        render();
      }).catch(function () {
        if (request === latest) status.textContent = "The search failed; try again.";
      });
    }

    function loadMembers() {
      if (groupId === null) return;
      fetchPage({ group: groupId, limit: 50, offset: memberOffset }).then(function (data) {
        members = members.concat(data.items);
        memberOffset += data.items.length;
        memberTotal = data.count;
        moreSelected.hidden = memberOffset >= data.count;
        render();
      });
    }

    function selectedItem(row, isNew) {
      var li = el("li", { "data-slc": row.slc });
      li.appendChild(el("code", {}, row.slc));
      if (isNew) li.appendChild(el("span", { "class": "badge ok" }, "new"));
      li.appendChild(el("small", { "class": "muted" }, describe(row)));
      var button = el("button", { type: "button", "class": "small", "aria-label": "Remove " + row.slc }, "×");
      button.addEventListener("click", function () { toggle(row); });
      li.appendChild(button);
      return li;
    }

    function render() {
      shown.forEach(function (item) {
        var on = isSelected(item.row);
        item.box.checked = on;
        item.tr.classList.toggle("selected", on);
      });
      selectedList.textContent = "";
      added.forEach(function (row) { selectedList.appendChild(selectedItem(row, true)); });
      members.forEach(function (row) {
        if (!removed.has(row.slc)) selectedList.appendChild(selectedItem(row, false));
      });
      count.textContent = String(memberTotal - removed.size + added.size);
    }

    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { query = search.value.trim(); loadResults(true); }, 250);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();  // search, don't submit the form
    });
    more.addEventListener("click", function () { loadResults(false); });
    moreSelected.addEventListener("click", loadMembers);

    form.addEventListener("submit", function () {
      form.querySelectorAll("input[data-picker-change]").forEach(function (input) { input.remove(); });
      // One field per list, SLCs separated by spaces: Django refuses forms of more than
      // 1,000 fields, and a group may gain many more licenses than that in one save.
      [["add", added], ["remove", removed]].forEach(function (pair) {
        if (pair[1].size === 0) return;
        var value = Array.from(pair[1].keys()).join(" ");
        form.appendChild(el("input", { type: "hidden", name: pair[0], value: value, "data-picker-change": "" }));
      });
    });

    loadResults(true);
    loadMembers();
  }

  document.querySelectorAll("[data-picker]").forEach(initPicker);
})();
