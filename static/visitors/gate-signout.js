// Signing out forgets what the gate page kept on this device for offline scanning: today's list of visitors
// (names), today's sessions with their RSVPs, and the check-ins made offline against them. Scans still waiting to
// upload stay, so that the next gate staff member to sign in here uploads them. The keys are gate.js's.
(function () {
  "use strict";
  document.addEventListener("submit", function () {
    try {
      localStorage.removeItem("expo-gate-day-list");
      localStorage.removeItem("expo-gate-local-checkins");
      localStorage.removeItem("expo-door-sessions");
      localStorage.removeItem("expo-door-local-checkins");
    } catch (error) {
      // Storage switched off: nothing was kept.
    }
  });
})();
