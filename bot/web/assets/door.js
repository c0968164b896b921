"use strict";
(function () {
  var body = document.body, away = body.getAttribute("data-away"), token = body.getAttribute("data-t");
  var left = false;
  // The address bar shows only "/", whatever brought her here.
  if (location.search) history.replaceState(null, "", "/");
  // Quick exit: the server forgets her (a beacon survives the page), and the
  // neutral site replaces this page in the history, so Back does not return.
  function leave() {
    if (left) return;
    left = true;
    var sent = false;
    try { sent = navigator.sendBeacon("/", new URLSearchParams({ t: token, b: "exit" })); } catch (e) { }
    if (!sent) { document.getElementById("exit").submit(); return; }
    location.replace(away);
  }
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" || e.key === "Esc") { e.preventDefault(); leave(); }
  });
  // Every step replaces this page in the history instead of adding one.
  document.addEventListener("submit", function (e) {
    var form = e.target, by = e.submitter;
    if (form.getAttribute("data-plain")) return;
    e.preventDefault();
    var data = new FormData(form);
    if (by && by.name) data.append(by.name, by.value);
    if (data.get("b") === "exit") { leave(); return; }
    if (form.getAttribute("data-sent")) return; // one press at a time
    form.setAttribute("data-sent", "1");
    fetch("/", { method: "POST", body: new URLSearchParams(data), headers: { "X-Step": "1" }, credentials: "same-origin" })
      .then(function (r) {
        if (left) return; // Exit was pressed meanwhile: stay away
        if (r.status !== 204) throw new Error("step");
        location.replace(r.headers.get("X-Next") === "away" ? away : "/");
      })
      .catch(function () {
        if (left) return;
        // Let the browser post it: the server's page says what went wrong.
        form.setAttribute("data-plain", "1");
        if (by && by.name) {
          var h = document.createElement("input");
          h.type = "hidden"; h.name = by.name; h.value = by.value;
          form.appendChild(h);
        }
        form.submit();
      });
  });
  // The idle wipe: the page leaves by itself when the server forgets her.
  var idle = +body.getAttribute("data-idle");
  if (idle > 0) setTimeout(function () { location.replace(away); }, idle * 1000);
  // A page restored from the back-forward cache is fetched again.
  window.addEventListener("pageshow", function (e) { if (e.persisted) location.reload(); });
  // Her location, where the browser can give it (a secure page).
  var loc = document.getElementById("loc");
  if (loc && navigator.geolocation && window.isSecureContext) {
    loc.hidden = false;
    loc.addEventListener("submit", function (e) {
      if (loc.elements.lat.value) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      navigator.geolocation.getCurrentPosition(function (p) {
        loc.elements.lat.value = p.coords.latitude.toFixed(5);
        loc.elements.lon.value = p.coords.longitude.toFixed(5);
        loc.requestSubmit();
      }, function () { }, { timeout: 15000, maximumAge: 60000 });
    }, true);
  }
})();
