// Mailing status page: confirm before sending, and keep the progress bar
// moving without a reload by polling the JSON endpoint every two seconds.
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        return;
      }
      // A second click while the first is on its way does nothing.
      form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    });
  });

  var root = document.querySelector("[data-progress-url]");
  var bar = document.querySelector("[data-progress-bar]");
  if (!root || !bar) return;
  var summary = document.querySelector("[data-progress-summary]");
  var timer = null;

  function show(data) {
    bar.value = data.percent;
    bar.textContent = data.percent + "%";
    if (summary) {
      summary.textContent = data.processed + " of " + data.total + " done (" + data.percent + "%).";
    }
    document.querySelectorAll("[data-field]").forEach(function (el) {
      var key = el.dataset.field;
      if (key === "time_left") {
        el.textContent = data.seconds_left === null ? "–" : data.seconds_left + " s";
      } else if (key in data) {
        el.textContent = data[key];
      }
    });
    var stalled = data.stalled_minutes !== null && !document.querySelector("[data-mailing-stalled]");
    if (stalled || (data.status !== root.dataset.status && (data.finished || data.status === "paused"))) {
      window.location.reload(); // new buttons for the new state
    }
  }

  function poll() {
    fetch(root.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data) show(data);
        if (!data || !data.finished) timer = window.setTimeout(poll, 2000);
      })
      .catch(function () { timer = window.setTimeout(poll, 5000); });
  }

  if (root.dataset.status === "sending" || root.dataset.status === "paused") poll();
})();
