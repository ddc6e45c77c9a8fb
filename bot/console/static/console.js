// Live updates: one EventSource per page; each console event becomes an htmx trigger on <body>,
// "console-update" for lists and "console-user-<id>" for that student's transcript.
(function () {
  "use strict";
  function toBottom() {
    var list = document.querySelector("#transcript-box .transcript");
    if (list) { list.scrollTop = list.scrollHeight; }
  }
  function start() {
    toBottom();
    document.body.addEventListener("htmx:afterSwap", toBottom);
    var url = document.body.getAttribute("data-live");
    if (url && window.EventSource && window.htmx) {
      var source = new EventSource(url);
      source.onmessage = function (event) {
        var data = JSON.parse(event.data);
        htmx.trigger(document.body, "console-update", data);
        htmx.trigger(document.body, "console-user-" + data.user, data);
      };
    }
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-canned]");
      if (!button) { return; }
      var box = document.getElementById("reply-text");
      if (box) { box.value = button.getAttribute("data-canned"); box.focus(); }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
