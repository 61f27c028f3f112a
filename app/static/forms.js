/* SafeCase forms, on every page (enhancements only; the pages work without JavaScript).
 *
 * - A refused form comes back with an error summary ([data-error-summary]): the focus moves to
 *   it, so a keyboard or screen-reader user hears what to fix and can follow its links.
 * - A page rendered in answer to a POST (a refused action at …/actions/<trigger>) names its own
 *   address in <main data-page-url>: the address bar is set to it, so reloading shows the page
 *   instead of sending the form again (which the action's URL would answer with 405).
 */
(function () {
  "use strict";
  var main = document.getElementById("main");
  var pageUrl = main && main.getAttribute("data-page-url");
  if (pageUrl && window.history && window.history.replaceState) {
    var summaryHost = document.querySelector("[data-error-summary]");
    var details = summaryHost && summaryHost.closest("details[id]");
    window.history.replaceState(null, "", pageUrl + (details ? "#" + details.id : ""));
  }
  var summary = document.querySelector("[data-error-summary]");
  function focusSummary() {
    if (document.activeElement && document.activeElement !== document.body) return;
    summary.focus();
    if (summary.scrollIntoView) summary.scrollIntoView({ block: "center" });
  }
  if (summary) {
    var open = summary.closest("details");
    if (open) open.open = true;
    focusSummary();
    // Chromium drops the focus again while the page finishes loading (the diagram's frame):
    // once loaded, take it back unless the user has moved it somewhere already.
    window.addEventListener("load", focusSummary);
  }
})();
