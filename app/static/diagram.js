/* The workflow diagram's page (cases/diagram.html), shown in a frame on the case page.
 *
 * Mermaid draws the diagram here, where inline styles are allowed (app/headers.py), and the
 * frame is then made as tall as the drawing — again on every resize, since the drawing scales
 * with the frame's width. If Mermaid cannot draw, the frame stays empty and the ordered list of
 * steps on the case page still describes the workflow.
 */
(function () {
  "use strict";

  function fitFrame() {
    var frame = window.frameElement; // this page is same-origin with the case page
    if (!frame) return;
    frame.style.height = document.documentElement.scrollHeight + "px";
  }

  function draw() {
    // The source stays invisible (CSS) until Mermaid has drawn it; Mermaid must draw in a
    // laid-out element (not display:none) to measure its labels.
    var nodes = document.querySelectorAll("pre.mermaid");
    if (!nodes.length || !window.mermaid) return;
    window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral" });
    window.mermaid.run({ nodes: nodes }).then(function () {
      document.body.setAttribute("data-drawn", "true");
      fitFrame();
      window.addEventListener("resize", fitFrame);
    }).catch(function (error) {
      nodes.forEach(function (node) { node.removeAttribute("data-processed"); });
      if (window.console) window.console.warn("Workflow diagram not drawn:", error);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
