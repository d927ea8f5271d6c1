/* The gate check-in page: scans from a USB scanner (types the code and Enter) or the camera.
 *
 * Online, each scan is judged by the server. When the network drops, the page judges scans
 * against today's list it downloaded (valid and revoked badges, and the public key to check
 * the code's Ed25519 signature where the browser can), keeps them in localStorage and uploads
 * them when the network is back. Every scan has an id made here, so an upload sent twice
 * counts once. No secret is ever held here.
 *
 * In session mode (door staff, where the page offers it) scans check people in at the session chosen from
 * today's sessions, by room. The same day list judges the badge offline, with the sessions' list of confirmed
 * RSVPs and earlier check-ins; a door queues and uploads the scans of the people it let in.
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
  var gateQueue = ExpoScanQueue.open("expo-gate-queue", refreshQueueCount);
  var LIST_KEY = "expo-gate-day-list";
  var LOCAL_IN_KEY = "expo-gate-local-checkins";
  var modeSelect = document.getElementById("gate-mode");
  var sessionSelect = document.getElementById("door-session");
  var MODE_KEY = "expo-gate-mode";
  var doorQueue = ExpoScanQueue.open("expo-door-queue", refreshQueueCount);
  var DOOR_LIST_KEY = "expo-door-sessions";
  var DOOR_LOCAL_KEY = "expo-door-local-checkins";
  var DOOR_SESSION_KEY = "expo-door-session";
  var publicKey = null;
  var load = ExpoScanQueue.load;
  var save = ExpoScanQueue.save;
  var uuid4 = ExpoScanQueue.uuid4;

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
    queueCount.textContent = String(gateQueue.scans().length + doorQueue.scans().length);
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

  function clock() {
    var now = new Date();
    return ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2);
  }

  // What a gate and a session door both check: the code, its signature, the expo, revocation and the day.
  // Resolves to { done: verdict } when that settles the scan, else to the badge and whether its signature was checked.
  function judgeBadge(payload) {
    var list = load(LIST_KEY, null);
    var code = parse(payload);
    if (!code) return Promise.resolve({ done: { verdict: "refused", message: data.msgMalformed } });
    var signature = publicKey
      ? crypto.subtle.verify({ name: "Ed25519" }, publicKey, code.raw.slice(15), code.raw.slice(0, 15))
      : Promise.resolve(null); // Without WebCrypto (a plain-HTTP venue address) the signature cannot be checked.
    return signature.then(function (valid) {
      if (valid === false) return { done: { verdict: "refused", message: data.msgForged } };
      if (!list) return { done: { verdict: "unchecked", message: data.msgNoList } };
      if (code.expo !== list.expo) return { done: { verdict: "refused", message: data.msgWrongExpo } };
      if (list.revoked.indexOf(code.number) !== -1) return { done: { verdict: "refused", message: data.msgRevoked } };
      var badge = list.badges.find(function (b) { return b.n === code.number; });
      if (!badge) return { done: { verdict: "refused", message: data.msgNotToday } };
      if (badge.v !== code.version) return { done: { verdict: "refused", message: data.msgSuperseded } };
      return { badge: badge, number: code.number, valid: valid, list: list };
    });
  }

  function judgeOffline(payload) {
    return judgeBadge(payload).then(function (judged) {
      if (judged.done) return judged.done;
      var badge = judged.badge;
      var localIn = load(LOCAL_IN_KEY, {});
      var earlier = localIn[judged.number] || judged.list.checked_in.find(function (c) { return c.n === judged.number; });
      if (earlier) {
        var already = format(data.msgAlready, { name: badge.name, time: earlier.at, gate: earlier.gate });
        return { verdict: "refused", message: already };
      }
      localIn[judged.number] = {
        at: clock(),
        gate: gateSelect.options[gateSelect.selectedIndex] ? gateSelect.options[gateSelect.selectedIndex].text : "",
      };
      save(LOCAL_IN_KEY, localIn);
      var welcome = format(data.msgWelcome, { name: badge.name, label: badge.label });
      if (judged.valid === null) return { verdict: "unchecked", message: welcome + " · " + data.msgUnsigned };
      return { verdict: "welcome", message: welcome };
    });
  }

  // --- Session doors --------------------------------------------------------------------

  function doorSession(id) {
    var list = load(DOOR_LIST_KEY, null);
    return list ? list.sessions.find(function (s) { return String(s.id) === String(id); }) : null;
  }

  function noteDoorCheckIn(sessionId, number) {
    var localIn = load(DOOR_LOCAL_KEY, {});
    localIn[sessionId] = localIn[sessionId] || {};
    if (!localIn[sessionId][number]) localIn[sessionId][number] = { at: clock() };
    save(DOOR_LOCAL_KEY, localIn);
  }

  // Seats a door holds, as the server does, for the confirmed RSVPs who have not come yet: until the session starts
  // (by the door's clock); from then every empty seat is free. A confirmed RSVP without a badge yet is held too.
  function heldSeats(session, inRoom) {
    if (!session.rsvp_required || !(Date.now() < Date.parse(session.starts_at))) return 0;
    var coming = session.rsvps.filter(function (n) { return !inRoom[n]; }).length;
    return coming + (session.confirmed - session.rsvps.length);
  }

  // Offline at a door: someone already in is let in again (amber); without a confirmed RSVP to a session that needs
  // one they are let in and flagged (amber); refused when no seat is free for them, as the server refuses.
  function judgeDoorOffline(payload, sessionId) {
    return judgeBadge(payload).then(function (judged) {
      if (judged.done) return judged.done;
      var session = doorSession(sessionId);
      var mine = load(DOOR_LOCAL_KEY, {})[sessionId] || {};
      var present = session ? session.present : [];
      var earlier = mine[judged.number] || present.find(function (c) { return c.n === judged.number; });
      if (earlier) return { verdict: "unchecked", message: format(data.msgDoorAlready, { name: judged.badge.name, time: earlier.at }) };
      var confirmed = session && session.rsvps.indexOf(judged.number) !== -1;
      var inRoom = {};
      present.forEach(function (c) { inRoom[c.n] = true; });
      Object.keys(mine).forEach(function (n) { inRoom[n] = true; });
      var taken = Object.keys(inRoom).length;
      if (session && !confirmed && taken + heldSeats(session, inRoom) >= session.seats) {
        return { verdict: "refused", message: data.msgDoorFull };
      }
      noteDoorCheckIn(sessionId, judged.number);
      var message = format(data.msgDoorWelcome, { name: judged.badge.name, session: session ? session.title : "" });
      var flagged = session && session.rsvp_required && !confirmed;
      if (flagged) message += " · " + data.msgDoorNoRsvp;
      if (judged.valid === null) return { verdict: "unchecked", message: message + " · " + data.msgUnsigned };
      return { verdict: flagged ? "unchecked" : "welcome", message: message };
    });
  }

  function fillSessions(list) {
    if (!sessionSelect) return;
    var chosen = sessionSelect.value || load(DOOR_SESSION_KEY, "");
    sessionSelect.textContent = "";
    var sessions = list ? list.sessions : [];
    if (!sessions.length) sessionSelect.appendChild(new Option(data.msgDoorNone, ""));
    sessions.forEach(function (s) { sessionSelect.appendChild(new Option(s.label, String(s.id))); });
    if (sessions.some(function (s) { return String(s.id) === String(chosen); })) sessionSelect.value = String(chosen);
  }

  function fetchDoorSessions() {
    if (!data.doorSessionsUrl) return Promise.resolve();
    return fetch(data.doorSessionsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("sessions " + response.status);
        return response.json();
      })
      .then(function (list) {
        var previous = load(DOOR_LIST_KEY, null);
        if (!previous || previous.day !== list.day) save(DOOR_LOCAL_KEY, {});
        save(DOOR_LIST_KEY, list);
        fillSessions(list);
        root.dataset.doorDay = list.day;
      });
  }

  function doorMode() {
    return !!modeSelect && modeSelect.value === "session";
  }

  function applyMode() {
    var door = doorMode();
    document.getElementById("door-session-field").hidden = !door;
    document.getElementById("gate-select-field").hidden = door;
    save(MODE_KEY, door ? "session" : "gate");
    root.dataset.mode = door ? "session" : "gate";
    input.focus();
  }

  // --- Scanning -----------------------------------------------------------------------

  function post(url, body) {
    return ExpoScanQueue.postJson(url, body, csrf).then(function (response) {
      if (response.status >= 500) throw new Error("server " + response.status);
      return response.json().then(function (json) { return { status: response.status, json: json }; });
    });
  }

  function handleDoor(payload) {
    var sessionId = sessionSelect.value;
    if (!sessionId) {
      show("refused", data.msgDoorNoSession);
      return;
    }
    var scan = { payload: payload, scan_id: uuid4(), session: sessionId, scanned_at: new Date().toISOString() };
    post(data.doorScanUrl, scan)
      .then(function (answer) {
        setOnline(true);
        var json = answer.json;
        if (json.ok === true && json.badge) noteDoorCheckIn(sessionId, json.badge);
        var verdict = json.ok !== true ? "refused" : json.flagged || json.outcome === "already" ? "unchecked" : "welcome";
        show(verdict, json.message || json.error || "");
      })
      .catch(function () {
        setOnline(false);
        return judgeDoorOffline(payload, sessionId).then(function (judged) {
          // A door uploads the scans of the people it let in; those it turned away are not recorded.
          if (judged.verdict !== "refused") doorQueue.add(scan);
          show(judged.verdict, judged.message);
        });
      });
  }

  function handle(payload) {
    if (!payload) return;
    if (doorMode()) return handleDoor(payload);
    var scan = { payload: payload, scan_id: uuid4(), gate: gateSelect.value, scanned_at: new Date().toISOString() };
    post(data.scanUrl, scan)
      .then(function (answer) {
        setOnline(true);
        show(answer.json.ok === true ? "welcome" : "refused", answer.json.message || answer.json.error || "");
      })
      .catch(function () {
        setOnline(false);
        gateQueue.add(scan);
        return judgeOffline(payload).then(function (judged) { show(judged.verdict, judged.message); });
      });
  }

  // The server takes a whole batch or none of it.
  function syncQueue(queue, url) {
    if (!url) return;
    queue
      .upload(function (batch) {
        return post(url, { scans: batch }).then(function (answer) {
          setOnline(true);
          if (answer.status !== 200) return [];
          return batch.map(function (scan) { return scan.scan_id; });
        });
      })
      .catch(function () { setOnline(false); });
  }

  function sync() {
    syncQueue(gateQueue, data.syncUrl);
    syncQueue(doorQueue, data.doorSyncUrl);
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
  if (modeSelect) {
    fillSessions(load(DOOR_LIST_KEY, null));
    modeSelect.value = load(MODE_KEY, "gate") === "session" ? "session" : "gate";
    modeSelect.addEventListener("change", applyMode);
    sessionSelect.addEventListener("change", function () {
      save(DOOR_SESSION_KEY, sessionSelect.value);
      input.focus();
    });
    applyMode();
  }
  function refreshLists() {
    fetchDayList().catch(function () {});
    fetchDoorSessions().catch(function () {});
  }
  fetchDayList().then(function () { setOnline(true); }, function () { setOnline(false); });
  fetchDoorSessions().catch(function () {});
  window.addEventListener("online", function () { setOnline(true); sync(); refreshLists(); });
  window.addEventListener("offline", function () { setOnline(false); });
  setInterval(sync, 3000);
  setInterval(refreshLists, 5 * 60 * 1000);
  root.dataset.ready = "1";
  input.focus();
})();
