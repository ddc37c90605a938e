// vidskim serve: every element with data-t seeks the player to that
// moment (seconds); #t=S in the address does too, on load and on change.
"use strict";
(function () {
  var video = document.getElementById("player");
  var noplay = document.getElementById("noplay");

  function hashTime() {
    var m = /(?:^#|&)t=([0-9]+(?:\.[0-9]+)?)/.exec(location.hash);
    return m ? parseFloat(m[1]) : null;
  }

  // mark highlights the stretch of notes and the transcript line at t.
  function mark(t) {
    document.querySelectorAll(".now").forEach(function (el) { el.classList.remove("now"); });
    document.querySelectorAll("[data-start],[data-end]").forEach(function (el) {
      var a = parseFloat(el.dataset.start || el.dataset.t), b = parseFloat(el.dataset.end);
      if (t >= a && t < b) { el.classList.add("now"); }
    });
  }

  function seek(t) {
    mark(t);
    if (!video || video.hidden) { return; }
    var go = function () { video.currentTime = t; };
    if (video.readyState >= 1) { go(); } else { video.addEventListener("loadedmetadata", go, { once: true }); }
  }

  document.addEventListener("click", function (e) {
    var el = e.target.closest("[data-t]");
    if (!el || !document.querySelector(".chunk, ol.lines, #noplay")) { return; } // only a video page seeks
    var href = el.getAttribute("href");
    if (href && href.charAt(0) !== "#") { return; } // a moment of another video: follow the link
    e.preventDefault();
    var t = parseFloat(el.dataset.t);
    if (isNaN(t)) { return; }
    history.replaceState(null, "", "#t=" + el.dataset.t);
    seek(t);
  });

  document.addEventListener("submit", function (e) { // forgetting asks first
    var ask = e.target.dataset.confirm;
    if (ask && !window.confirm(ask)) { e.preventDefault(); }
  });

  window.addEventListener("hashchange", function () {
    var t = hashTime();
    if (t !== null) { seek(t); }
  });

  if (video) {
    video.addEventListener("error", function () { // the browser cannot play it after all
      video.hidden = true;
      if (noplay) { noplay.hidden = false; }
    });
  }
  var t0 = hashTime();
  if (t0 !== null) { seek(t0); }
})();
