/* The gate check-in page: scans from a USB scanner (types the code and Enter) or the camera.
 *
 * Online, each scan is judged by the server. When the network drops, the page judges scans
 * against today's list it downloaded (valid and revoked badges, and the public key to check
 * the code's Ed25519 signature where the browser can), keeps them in localStorage and uploads
 * them when the network is back. Every scan has an id made here, so an upload sent twice
 * counts once. No secret is ever held here.
 */
(function () {
  "use strict";

  var root = document.getElementById("gate");
  if (!root) return;
  var data = root.dataset;
  var input = document.getElementById("gate-input");
  var gateSelect = document.getElementById("gate-select");
  var result = document.getElementById("gate-result");
  var statusBadge = document.getElementById("gate-status");
  var queueCount = document.getElementById("gate-queue");
  var listInfo = document.getElementById("gate-list-info");
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var QUEUE_KEY = "expo-gate-queue";
  var LIST_KEY = "expo-gate-day-list";
  var LOCAL_IN_KEY = "expo-gate-local-checkins";
  var publicKey = null;
  var syncing = false;

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

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, name) { return values[name] == null ? "" : values[name]; });
  }

  // A verdict is "welcome" (green), "refused" (red), or "unchecked" (amber: offline without what is needed to
  // check the code, so staff check the person's papers; the scan is uploaded and judged later).
  function show(verdict, message) {
    result.textContent = message;
    result.className = "gate-result " + verdict;
  }

  function setOnline(online) {
    statusBadge.textContent = online ? data.msgOnline : data.msgOffline;
    statusBadge.className = "badge " + (online ? "text-bg-success" : "text-bg-warning");
  }

  function refreshQueueCount() {
    queueCount.textContent = String(load(QUEUE_KEY, []).length);
  }

  // --- The day list and the public key ------------------------------------------------

  function b64urlBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var binary = atob(b64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function importKey(list) {
    publicKey = null;
    if (!list || !window.crypto || !crypto.subtle) return Promise.resolve();
    return crypto.subtle.importKey("raw", b64urlBytes(list.public_key), { name: "Ed25519" }, false, ["verify"])
      .then(function (key) { publicKey = key; })
      .catch(function () { publicKey = null; });
  }

  function describeList(list) {
    listInfo.textContent = list ? format(data.msgList, { day: list.day_label || list.day, count: list.badges.length }) : "";
  }

  function fetchDayList() {
    return fetch(data.dayListUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("day list " + response.status);
        return response.json();
      })
      .then(function (list) {
        var previous = load(LIST_KEY, null);
        if (!previous || previous.day !== list.day) save(LOCAL_IN_KEY, {});
        save(LIST_KEY, list);
        describeList(list);
        root.dataset.list = list.day;
        return importKey(list);
      });
  }

  // --- Judging a code offline ---------------------------------------------------------

  var PREFIX = "B1.";
  var RAW_LENGTH = 79;

  function parse(payload) {
    if (typeof payload !== "string" || payload.length > 120 || payload.indexOf(PREFIX) !== 0) return null;
    var encoded = payload.slice(PREFIX.length);
    if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return null;
    var raw;
    try { raw = b64urlBytes(encoded); } catch (e) { return null; }
    if (raw.length !== RAW_LENGTH || raw[0] !== 1) return null;
    var view = new DataView(raw.buffer);
    var number = "";
    for (var i = 5; i < 13; i++) number += String.fromCharCode(raw[i]);
    return { raw: raw, expo: view.getUint32(1), number: number, version: view.getUint16(13) };
  }

  function judgeOffline(payload) {
    var list = load(LIST_KEY, null);
    var code = parse(payload);
    if (!code) return Promise.resolve({ verdict: "refused", message: data.msgMalformed });
    var signature = publicKey
      ? crypto.subtle.verify({ name: "Ed25519" }, publicKey, code.raw.slice(15), code.raw.slice(0, 15))
      : Promise.resolve(null); // Without WebCrypto (a plain-HTTP venue address) the signature cannot be checked.
    return signature.then(function (valid) {
      if (valid === false) return { verdict: "refused", message: data.msgForged };
      if (!list) return { verdict: "unchecked", message: data.msgNoList };
      if (code.expo !== list.expo) return { verdict: "refused", message: data.msgWrongExpo };
      if (list.revoked.indexOf(code.number) !== -1) return { verdict: "refused", message: data.msgRevoked };
      var badge = list.badges.find(function (b) { return b.n === code.number; });
      if (!badge) return { verdict: "refused", message: data.msgNotToday };
      if (badge.v !== code.version) return { verdict: "refused", message: data.msgSuperseded };
      var localIn = load(LOCAL_IN_KEY, {});
      var earlier = localIn[code.number] || list.checked_in.find(function (c) { return c.n === code.number; });
      if (earlier) {
        var already = format(data.msgAlready, { name: badge.name, time: earlier.at, gate: earlier.gate });
        return { verdict: "refused", message: already };
      }
      var now = new Date();
      localIn[code.number] = {
        at: ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2),
        gate: gateSelect.options[gateSelect.selectedIndex] ? gateSelect.options[gateSelect.selectedIndex].text : "",
      };
      save(LOCAL_IN_KEY, localIn);
      var welcome = format(data.msgWelcome, { name: badge.name, label: badge.label });
      if (valid === null) return { verdict: "unchecked", message: welcome + " · " + data.msgUnsigned };
      return { verdict: "welcome", message: welcome };
    });
  }

  // --- Scanning -----------------------------------------------------------------------

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (response.status >= 500) throw new Error("server " + response.status);
      return response.json().then(function (json) { return { status: response.status, json: json }; });
    });
  }

  function queueScan(scan) {
    var queue = load(QUEUE_KEY, []);
    queue.push(scan);
    save(QUEUE_KEY, queue);
    refreshQueueCount();
  }

  function handle(payload) {
    if (!payload) return;
    var scan = { payload: payload, scan_id: uuid4(), gate: gateSelect.value, scanned_at: new Date().toISOString() };
    post(data.scanUrl, scan)
      .then(function (answer) {
        setOnline(true);
        show(answer.json.ok === true ? "welcome" : "refused", answer.json.message || answer.json.error || "");
      })
      .catch(function () {
        setOnline(false);
        queueScan(scan);
        return judgeOffline(payload).then(function (judged) { show(judged.verdict, judged.message); });
      });
  }

  function sync() {
    var queue = load(QUEUE_KEY, []);
    if (syncing || !queue.length) return;
    syncing = true;
    var batch = queue.slice(0, 200);
    post(data.syncUrl, { scans: batch })
      .then(function (answer) {
        setOnline(true);
        if (answer.status !== 200) return;
        var done = {};
        batch.forEach(function (scan) { done[scan.scan_id] = true; });
        save(QUEUE_KEY, load(QUEUE_KEY, []).filter(function (scan) { return !done[scan.scan_id]; }));
        refreshQueueCount();
      })
      .catch(function () { setOnline(false); })
      .then(function () { syncing = false; });
  }

  input.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    var payload = input.value.trim();
    input.value = "";
    handle(payload);
  });

  // --- Camera, where the browser can read QR codes ------------------------------------

  var cameraButton = document.getElementById("gate-camera");
  var video = document.getElementById("gate-video");
  if ("BarcodeDetector" in window && navigator.mediaDevices) {
    cameraButton.hidden = false;
    cameraButton.addEventListener("click", function () {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      var last = "";
      var lastAt = 0;
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        setInterval(function () {
          detector.detect(video).then(function (codes) {
            if (!codes.length) return;
            var value = codes[0].rawValue;
            if (value === last && Date.now() - lastAt < 3000) return;
            last = value;
            lastAt = Date.now();
            handle(value);
          }).catch(function () {});
        }, 300);
      });
    });
  }

  // --- Start ----------------------------------------------------------------------------

  var cached = load(LIST_KEY, null);
  describeList(cached);
  importKey(cached);
  refreshQueueCount();
  fetchDayList().then(function () { setOnline(true); }, function () { setOnline(false); });
  window.addEventListener("online", function () { setOnline(true); sync(); fetchDayList().catch(function () {}); });
  window.addEventListener("offline", function () { setOnline(false); });
  setInterval(sync, 3000);
  setInterval(function () { fetchDayList().catch(function () {}); }, 5 * 60 * 1000);
  root.dataset.ready = "1";
  input.focus();
})();
