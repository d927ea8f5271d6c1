/* A queue of scans kept in localStorage until the server has them, for pages that must keep working offline (the
 * gate, a session door, a stall's lead capture).
 *
 * Each scan carries an id made here, so the server counts a scan uploaded twice (a lost answer, two tabs) once.
 * A page decides which scans the server has settled; only those leave the queue, the rest wait for the next upload.
 */
(function () {
  "use strict";

  // Scans uploaded in one request, so a long offline spell does not make one huge request.
  var BATCH = 200;

  function load(key, fallback) {
    try {
      var value = JSON.parse(localStorage.getItem(key));
      return value === null ? fallback : value;
    } catch (e) {
      return fallback;
    }
  }

  function save(key, value) {
    localStorage.setItem(key, JSON.stringify(value));
  }

  function uuid4() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function postJson(url, body, csrf) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify(body),
    });
  }

  // The queue stored under `key`; `changed` runs after every change, for the page's count of waiting scans.
  function open(key, changed) {
    var uploading = false;

    function scans() {
      return load(key, []);
    }

    function store(queue) {
      save(key, queue);
      if (changed) changed();
    }

    function add(scan) {
      var queue = scans();
      queue.push(scan);
      store(queue);
    }

    // `send(batch)` uploads the first scans and resolves to the ids the server settled; a failed upload keeps them
    // all and rejects, for the page to show it is offline. One upload at a time.
    function upload(send) {
      var queue = scans();
      if (uploading || !queue.length) return Promise.resolve();
      uploading = true;
      return send(queue.slice(0, BATCH))
        .then(function (settledIds) {
          if (!settledIds || !settledIds.length) return;
          var settled = {};
          settledIds.forEach(function (id) { settled[id] = true; });
          store(scans().filter(function (scan) { return !settled[scan.scan_id]; }));
        })
        .then(
          function () { uploading = false; },
          function (error) {
            uploading = false;
            throw error;
          }
        );
    }

    return { scans: scans, add: add, upload: upload };
  }

  window.ExpoScanQueue = { load: load, save: save, uuid4: uuid4, postJson: postJson, open: open };
})();
