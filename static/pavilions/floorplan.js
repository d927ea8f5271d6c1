/* Floor plan: pan (drag), zoom (wheel, pinch, buttons) and search-as-you-type that highlights stalls.
   The plan works without this file: links open profiles and the search form reloads the page. */
(function () {
  "use strict";

  function setup(frame) {
    var svg = frame.querySelector("svg.floor-plan");
    if (!svg) return;
    var full = svg.viewBox.baseVal;
    var home = { x: full.x, y: full.y, w: full.width, h: full.height };
    var view = Object.assign({}, home);

    function apply() {
      svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" "));
    }
    function zoom(factor, cx, cy) {
      var w = Math.min(home.w, Math.max(home.w / 40, view.w * factor));
      var h = w * home.h / home.w;
      if (cx === undefined) { cx = view.x + view.w / 2; cy = view.y + view.h / 2; }
      view.x = cx - (cx - view.x) * (w / view.w);
      view.y = cy - (cy - view.y) * (h / view.h);
      view.w = w; view.h = h;
      apply();
    }
    function toPlan(clientX, clientY) {
      var box = svg.getBoundingClientRect();
      return { x: view.x + (clientX - box.left) / box.width * view.w, y: view.y + (clientY - box.top) / box.height * view.h };
    }
    function focusOn(group) {
      var rect = group.querySelector("rect");
      var x = parseFloat(rect.getAttribute("x")), y = parseFloat(rect.getAttribute("y"));
      var w = Math.max(home.w / 4, 12), h = w * home.h / home.w;
      view = { x: x - w / 2, y: y - h / 2, w: w, h: h };
      apply();
    }

    frame.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var how = button.getAttribute("data-zoom");
        if (how === "reset") { view = Object.assign({}, home); apply(); }
        else zoom(how === "in" ? 0.7 : 1 / 0.7);
      });
    });
    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      var point = toPlan(event.clientX, event.clientY);
      zoom(event.deltaY < 0 ? 0.85 : 1 / 0.85, point.x, point.y);
    }, { passive: false });

    var pointers = {}, last = null, moved = false, pinch = null;
    svg.addEventListener("pointerdown", function (event) {
      pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
      last = { x: event.clientX, y: event.clientY }; moved = false;
    });
    svg.addEventListener("pointermove", function (event) {
      if (!pointers[event.pointerId]) return;
      pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
      var ids = Object.keys(pointers);
      if (ids.length === 2) {
        var a = pointers[ids[0]], b = pointers[ids[1]];
        var distance = Math.hypot(a.x - b.x, a.y - b.y);
        if (pinch) {
          var middle = toPlan((a.x + b.x) / 2, (a.y + b.y) / 2);
          zoom(pinch / distance, middle.x, middle.y);
        }
        pinch = distance; moved = true;
        return;
      }
      var box = svg.getBoundingClientRect();
      var dx = (event.clientX - last.x) / box.width * view.w, dy = (event.clientY - last.y) / box.height * view.h;
      if (Math.abs(event.clientX - last.x) + Math.abs(event.clientY - last.y) > 3) moved = true;
      if (moved) {
        svg.classList.add("is-panning");
        view.x -= dx; view.y -= dy; apply();
        last = { x: event.clientX, y: event.clientY };
      }
    });
    function release(event) {
      delete pointers[event.pointerId];
      if (Object.keys(pointers).length < 2) pinch = null;
      svg.classList.remove("is-panning");
    }
    svg.addEventListener("pointerup", release);
    svg.addEventListener("pointercancel", release);
    // A drag must not open the stall it ended on.
    svg.addEventListener("click", function (event) { if (moved) { event.preventDefault(); moved = false; } }, true);

    var form = document.querySelector("[data-plan-search]");
    var status = document.querySelector("[data-plan-status]");
    var messages = document.querySelector("[data-plan-messages]");
    if (!form || !status) return;
    var input = form.querySelector("input[name=q]");
    var stalls = Array.prototype.slice.call(svg.querySelectorAll(".stall"));

    function search(query) {
      query = query.trim().toLowerCase();
      var found = [];
      stalls.forEach(function (group) {
        var hit = query !== "" && ((group.getAttribute("data-search") || "").indexOf(query) !== -1 ||
          (group.getAttribute("data-code") || "").toLowerCase() === query);
        group.classList.toggle("is-highlighted", hit);
        if (hit) found.push(group);
      });
      svg.classList.toggle("is-searching", query !== "");
      if (query === "") { status.textContent = ""; return; }
      status.textContent = found.length
        ? messages.getAttribute("data-some") + " " + found.map(function (g) { return g.querySelector("title").textContent; }).join("; ")
        : messages.getAttribute("data-none");
      if (found.length) focusOn(found[0]);
    }
    input.addEventListener("input", function () { search(input.value); });
    form.addEventListener("submit", function (event) { event.preventDefault(); search(input.value); });
    if (input.value) search(input.value);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-floor-plan]").forEach(setup);
  });
})();
