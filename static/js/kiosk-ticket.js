// The kiosk ticket goes back to the kiosk's buttons after a while, for the next resident.
// WCAG 2.2.1 (Timing Adjustable): the resident is told, and one press gives the time again.
// The delay comes from the page (data-return-seconds): no inline script (Content-Security-Policy).
(function () {
  "use strict";
  // The ticket prints on the kiosk's 80 mm receipt printer (tickets.css, @page 80mm).
  var print = document.getElementById("kiosk-print");
  if (print && window.print) {
    print.hidden = false;
    print.addEventListener("click", function () {
      window.print();
    });
  }
  var timer = document.getElementById("kiosk-timer");
  var done = document.getElementById("kiosk-done");
  if (!timer || !done) {
    return;
  }
  var seconds = parseInt(timer.getAttribute("data-return-seconds"), 10);
  if (!(seconds > 0)) {
    return;
  }
  var left = seconds;
  var target = done.href;
  timer.hidden = false;
  document.getElementById("kiosk-more").addEventListener("click", function () {
    left = seconds;
  });
  setInterval(function () {
    left -= 1;
    if (left <= 0) {
      window.location.href = target;
    }
  }, 1000);
})();
