/* Reading a badge's QR code with the phone's camera, where the browser can (BarcodeDetector).
 *
 * Every form marked data-badge-form with a button data-badge-camera gets the camera: the code read fills the
 * form's "code" field and the form is sent, as if the code had been typed. Where the browser cannot read QR
 * codes the button stays hidden and the badge number is typed instead. Other pages listen for the
 * "badge-read" event on the form instead of letting it be sent (the stall's lead capture queues it).
 */
(function () {
  "use strict";

  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;

  function start(form, button) {
    var video = form.querySelector("video");
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    var last = "";
    var lastAt = 0;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      button.hidden = true;
      video.play();
      var timer = setInterval(function () {
        detector.detect(video).then(function (codes) {
          if (!codes.length) return;
          var value = codes[0].rawValue;
          if (value === last && Date.now() - lastAt < 3000) return;
          last = value;
          lastAt = Date.now();
          form.querySelector("[name=code]").value = value;
          var read = new CustomEvent("badge-read", { cancelable: true, detail: { code: value } });
          if (!form.dispatchEvent(read)) return; // the page handles the code itself and keeps the camera on
          clearInterval(timer);
          stream.getTracks().forEach(function (track) { track.stop(); });
          form.requestSubmit();
        }).catch(function () {});
      }, 300);
    });
  }

  document.querySelectorAll("form[data-badge-form]").forEach(function (form) {
    var button = form.querySelector("[data-badge-camera]");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () { start(form, button); });
  });
})();
