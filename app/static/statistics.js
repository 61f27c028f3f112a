// The background export's progress page: poll its status until it is done or failed.
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box) { return; }
  var bar = document.getElementById("export-progress");
  function show(status) {
    box.querySelectorAll("[data-state]").forEach(function (el) {
      el.hidden = el.getAttribute("data-state").split(" ").indexOf(status) < 0;
    });
  }
  function poll() {
    fetch(box.getAttribute("data-status-url"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { status: "failed", progress: 0 }; })
      .then(function (s) {
        bar.value = s.progress;
        bar.textContent = s.progress + " %";
        show(s.status);
        if (s.status === "queued" || s.status === "running") { setTimeout(poll, 1500); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  poll();
})();
