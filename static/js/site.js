// Progressive enhancement only: every page reads and works without this file.
// Click-to-load video: nothing is requested from the video site until the
// reader presses "Play". Without JavaScript the caption links to the video.
(function () {
  "use strict";
  document.querySelectorAll(".embed[data-embed-src]").forEach(function (embed) {
    var button = embed.querySelector(".embed__play");
    var placeholder = embed.querySelector(".embed__placeholder");
    if (!button || !placeholder) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.src = embed.getAttribute("data-embed-src");
      frame.title = embed.getAttribute("data-embed-title") || "Video";
      frame.className = "embed__frame";
      frame.allow = "autoplay; fullscreen; picture-in-picture";
      frame.setAttribute("allowfullscreen", "");
      frame.referrerPolicy = "strict-origin-when-cross-origin";
      placeholder.replaceWith(frame);
      frame.focus();
    });
  });
})();
