/* SafeCase case pages: repeatable blocks (victims, team rows).
 *
 * Everything here is an enhancement: without JavaScript the declaration offers a few blank
 * victim blocks (blank ones are ignored by the server). The workflow diagram is drawn in its
 * own frame (diagram.js); without JavaScript the workflow is readable as the ordered list of
 * steps under it.
 */
(function () {
  "use strict";

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function items(container) {
    return Array.prototype.filter.call(container.children, function (el) {
      return el.hasAttribute("data-repeat-item");
    });
  }

  function isBlank(item) {
    var fields = item.querySelectorAll("input:not([type=hidden]), select, textarea");
    return Array.prototype.every.call(fields, function (el) {
      return !el.value || !el.value.trim();
    });
  }

  function indexOf(item, prefix) {
    var pattern = new RegExp("^" + escapeRegExp(prefix) + "-(\\d+)-");
    var named = item.querySelector("[name^='" + prefix + "-']");
    var match = named && pattern.exec(named.getAttribute("name"));
    return match ? parseInt(match[1], 10) : -1;
  }

  function renumber(container) {
    items(container).forEach(function (item, position) {
      var number = item.querySelector("[data-repeat-number]");
      if (number) number.textContent = String(position + 1);
    });
  }

  // Copy the last block, clear it and give every name/id/for the next free index.
  function addItem(container) {
    var prefix = container.getAttribute("data-repeat");
    var all = items(container);
    var last = all[all.length - 1];
    var next = all.reduce(function (max, item) {
      return Math.max(max, indexOf(item, prefix));
    }, -1) + 1;
    var clone = last.cloneNode(true);
    var pattern = new RegExp("^(" + escapeRegExp(prefix) + "-)\\d+(-)");
    var replacement = "$1" + next + "$2";
    ["name", "id", "for"].forEach(function (attr) {
      clone.querySelectorAll("[" + attr + "]").forEach(function (el) {
        el.setAttribute(attr, el.getAttribute(attr).replace(pattern, replacement));
      });
    });
    clone.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
    clone.querySelectorAll("[data-repeat-remove]").forEach(function (el) { el.remove(); });
    clone.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    clone.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    clone.querySelectorAll("[aria-describedby]").forEach(function (el) {
      // Error messages were removed; keep the hints, which now carry the new index.
      var kept = el.getAttribute("aria-describedby").split(/\s+/).map(function (id) {
        return id.replace(pattern, replacement);
      }).filter(function (id) {
        return id && clone.querySelector("[id='" + id + "']") !== null;
      });
      if (kept.length) el.setAttribute("aria-describedby", kept.join(" "));
      else el.removeAttribute("aria-describedby");
    });
    clone.querySelectorAll("input:not([type=hidden]), textarea").forEach(function (el) { el.value = ""; });
    clone.querySelectorAll("select").forEach(function (el) { el.selectedIndex = 0; });
    container.appendChild(clone);
    renumber(container);
    var first = clone.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  }

  // A block added by mistake can be taken away again (every block but the first, which the
  // form needs); the numbers of the others follow. The server ignores the missing index.
  function addRemoveButton(container, item) {
    var label = container.getAttribute("data-repeat-remove-label");
    if (!label || items(container).indexOf(item) === 0 || item.querySelector("[data-repeat-remove]")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary small";
    button.setAttribute("data-repeat-remove", "");
    button.textContent = label;
    button.addEventListener("click", function () {
      var list = items(container);
      var at = list.indexOf(item);
      item.remove();
      renumber(container);
      var next = items(container)[Math.max(0, at - 1)];
      var focus = next && next.querySelector("input:not([type=hidden]), select, textarea");
      if (focus) focus.focus();
    });
    item.appendChild(button);
  }

  function setUpRepeaters() {
    document.querySelectorAll("[data-repeat]").forEach(function (container) {
      var prefix = container.getAttribute("data-repeat");
      if (container.hasAttribute("data-repeat-collapse")) {
        // Keep the first block and any that hold data; the button adds more on demand.
        items(container).slice(1).forEach(function (item) {
          if (isBlank(item)) item.remove();
        });
        renumber(container);
      }
      items(container).forEach(function (item) { addRemoveButton(container, item); });
      document.querySelectorAll("[data-repeat-add='" + prefix + "']").forEach(function (button) {
        button.hidden = false;
        button.addEventListener("click", function () {
          addItem(container);
          var list = items(container);
          addRemoveButton(container, list[list.length - 1]);
        });
      });
    });
  }

  function start() {
    setUpRepeaters();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
