/* The stall's lead capture on a phone: scan a visitor's badge (camera, scanner or typed number), add a note, a
 * rating and the interest, save.
 *
 * Every save goes into a queue kept in localStorage first, with an id made here, then the queue is uploaded.
 * Offline, the queue waits and is uploaded when the network is back (and every few seconds). The server counts
 * each scan once by its id, so a queue uploaded twice (a lost answer, two tabs) makes one lead. A scan the
 * server answers, with a lead or a refusal, leaves the queue; its answer is listed under the form.
 */
(function () {
  "use strict";

  var root = document.getElementById("stall-capture");
  if (!root) return;
  var data = root.dataset;
  var form = document.getElementById("stall-form");
  var code = document.getElementById("stall-code");
  var statusBadge = document.getElementById("stall-status");
  var result = document.getElementById("stall-result");
  var queueCount = document.getElementById("stall-queue");
  var answers = document.getElementById("stall-answers");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var FIELDS = ["rating", "interest_product", "quantity", "next_step", "note"];
  var queue = ExpoScanQueue.open(data.queueKey, showQueueCount);

  function showQueueCount() {
    queueCount.textContent = String(queue.scans().length);
  }

  function setOnline(online) {
    statusBadge.textContent = online ? data.msgOnline : data.msgOffline;
    statusBadge.className = "badge " + (online ? "text-bg-success" : "text-bg-warning");
    root.dataset.online = online ? "1" : "0";
  }

  function show(kind, message) {
    result.textContent = message;
    result.className = "mt-3 alert alert-" + kind;
  }

  function answer(item) {
    var line = document.createElement("li");
    line.className = item.ok ? "text-success" : "text-danger";
    if (item.ok && item.url) {
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.message;
      line.appendChild(link);
    } else {
      line.textContent = item.message;
    }
    answers.insertBefore(line, answers.firstChild);
  }

  // A scan the server answered, with a lead or a refusal, leaves the queue.
  function sync() {
    return queue
      .upload(function (batch) {
        return ExpoScanQueue.postJson(data.syncUrl, { scans: batch }, csrf)
          .then(function (response) {
            if (!response.ok) throw new Error("sync " + response.status);
            return response.json();
          })
          .then(function (json) {
            setOnline(true);
            var results = json.results || [];
            results.forEach(answer);
            var last = results[results.length - 1];
            if (last) show(last.ok ? "success" : "danger", last.message);
            return results.map(function (item) { return item.scan_id; });
          });
      })
      .catch(function () {
        setOnline(false);
      });
  }

  function capture() {
    var value = code.value.trim();
    if (!value) {
      show("warning", data.msgNoCode);
      return;
    }
    var scan = { code: value, scan_id: ExpoScanQueue.uuid4(), scanned_at: new Date().toISOString() };
    FIELDS.forEach(function (name) { scan[name] = form.elements[name].value; });
    queue.add(scan);
    form.reset();
    show("info", data.msgQueued);
    sync();
    code.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    capture();
  });
  // The camera fills the code; booth staff then add the note and save.
  form.addEventListener("badge-read", function (event) {
    event.preventDefault();
  });

  showQueueCount();
  setOnline(navigator.onLine);
  window.addEventListener("online", function () { setOnline(true); sync(); });
  window.addEventListener("offline", function () { setOnline(false); });
  setInterval(sync, 5000);
  sync();
  root.dataset.ready = "1";
})();
