// Small enhancements on top of pages that already work without JavaScript.
(function () {
  "use strict";

  var liveRegion = function () { return document.getElementById("live-region"); };

  function announce(message) {
    var region = liveRegion();
    if (!region || !message) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = message; }, 50);
  }

  // The CSRF token goes in a header on every htmx request.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) event.detail.headers["X-CSRFToken"] = meta.content;
  });

  // After a swap: tell screen-reader users what happened, and put focus back where they were.
  var lastStepId = null, lastRowId = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("form[data-step-id]");
    lastStepId = form ? form.getAttribute("data-step-id") : null;
    var rowForm = event.detail.elt.closest && event.detail.elt.closest("form[data-focus-row]");
    lastRowId = rowForm ? rowForm.getAttribute("data-focus-row") : null;
  });
  document.addEventListener("portal:announce", function (event) {
    announce(event.detail && event.detail.message);
  });
  document.addEventListener("htmx:afterSettle", function () {
    var alert = document.querySelector("[data-autofocus]");
    if (alert) { alert.focus(); return; }
    if (lastRowId) {
      // A list row changed in place: its first remaining button, else its heading.
      var changed = document.getElementById(lastRowId);
      var next = changed ? (changed.querySelector("button") || changed.querySelector("[tabindex='-1']"))
                         : document.getElementById("main-content");  // the row is gone (a withdrawn time)
      if (next) next.focus();
      return;
    }
    if (!lastStepId) return;
    var row = document.getElementById("step-" + lastStepId);
    // The step's new button (its title link comes first in the row, so look for a button first).
    var target = row && (row.querySelector("button") || row.querySelector("a"));
    if (target) target.focus();
  });
  document.addEventListener("htmx:responseError", function () {
    announce(document.documentElement.lang === "fi" ? "Tallennus ei onnistunut. Lataa sivu uudelleen." :
             document.documentElement.lang === "sv" ? "Det gick inte att spara. Ladda om sidan." :
             "Saving did not work. Reload the page.");
  });

  // When the page loads, an error summary gets focus, else a banner that says what the person just did
  // (GOV.UK's notification banner), so screen-reader users hear it first. Only once: after an htmx swap only
  // what the swap brought in is focused, and a clicked banner does not keep a focus ring.
  document.addEventListener("DOMContentLoaded", function () {
    var target = document.querySelector(".error-summary[data-autofocus]") ||
                 document.querySelector("[data-focus-on-load]");
    Array.prototype.forEach.call(document.querySelectorAll("[data-autofocus], [data-focus-on-load]"),
      function (element) { element.removeAttribute("data-autofocus"); element.removeAttribute("data-focus-on-load"); });
    if (!target) return;
    target.addEventListener("blur", function () { target.removeAttribute("tabindex"); }, { once: true });
    target.focus();
  });

  // Idle time-out warning (WCAG 2.2.1): offer to stay signed in before the session ends.
  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    var idle = parseInt(body.getAttribute("data-session-idle-seconds") || "0", 10);
    var warn = parseInt(body.getAttribute("data-session-warning-seconds") || "0", 10);
    var dialog = document.getElementById("session-warning");
    if (!idle || !dialog || typeof dialog.showModal !== "function") return;
    var statusUrl = body.getAttribute("data-session-status-url");
    var warnTimer, endTimer;
    // The server knows how long is left (its activity stamp, other tabs); asking it does not count as activity.
    function ask(then) {
      var request = new XMLHttpRequest();
      request.open("GET", statusUrl);
      request.onload = function () {
        var left = -1;
        try { left = JSON.parse(request.responseText).seconds_left; } catch (e) { left = -1; }
        then(request.status === 200 && typeof left === "number" ? left : -1);
      };
      request.onerror = function () { then(-1); };
      request.send();
    }
    function schedule(secondsLeft) {
      window.clearTimeout(warnTimer);
      window.clearTimeout(endTimer);
      warnTimer = window.setTimeout(function () {
        ask(function (left) {
          if (left > warn + 5) { schedule(left); return; }  // active meanwhile, e.g. in another tab
          if (!dialog.open) dialog.showModal();
        });
      }, Math.max(0, secondsLeft - warn) * 1000);
      endTimer = window.setTimeout(function () {
        ask(function (left) {
          if (left > 0) { schedule(left); } else { window.location.reload(); }  // shows the signed-out page
        });
      }, (secondsLeft + 2) * 1000);
    }
    schedule(idle);
    document.addEventListener("htmx:afterRequest", function () {
      ask(function (left) { if (left >= 0) schedule(left); });
    });
    var extend = dialog.querySelector("[data-session-extend]");
    extend.addEventListener("click", function (event) {
      event.preventDefault();
      var form = extend.closest("form");
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("HX-Request", "true");
      request.setRequestHeader("X-CSRFToken", document.querySelector('meta[name="csrf-token"]').content);
      request.onload = function () {
        if (request.status === 200) { dialog.close(); ask(function (left) { schedule(Math.max(left, 0)); }); }
        else { form.submit(); }
      };
      request.send(new FormData(form));
    });
  });
})();
