// Live progress of a queued or running scan on its page.
//
// The status line (#scan-progress, a polite live region) names the JSON
// progress URL in data-progress-url and the seconds between requests in
// data-poll-seconds. The script replaces the text in place, so the page never
// reloads and focus stays where the user left it. When the scan ends it stops
// polling, hides the cancel button and shows the #scan-ended-message template
// in the #scan-ended live region, with a link that loads the results: the user
// decides when the page changes. Without JavaScript, or while requests fail,
// the page shows a plain refresh link instead.
(function () {
  "use strict";

  function setVisible(id, visible) {
    var element = document.getElementById(id);
    if (element) {
      element.hidden = !visible;
    }
  }

  function announceEnd() {
    var region = document.getElementById("scan-ended");
    var message = document.getElementById("scan-ended-message");
    if (!region || !message) {
      console.warn("[cxaudit] scan page without #scan-ended or #scan-ended-message");
      return;
    }
    region.appendChild(message.content.cloneNode(true));
  }

  function fetchProgress(url) {
    return fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}}).then(function (response) {
      // An expired session redirects to the sign-in page, which is HTML: json() rejects it too.
      if (!response.ok) {
        throw new Error("HTTP " + response.status + " from " + url);
      }
      return response.json();
    });
  }

  function showProgress(status, progress) {
    // Rewriting identical text is still a change to the live region, which screen readers may announce again.
    if (status.textContent !== progress.text) {
      status.textContent = progress.text;
    }
  }

  function startPolling(status) {
    var url = status.dataset.progressUrl;
    var delay = (Number(status.dataset.pollSeconds) || 3) * 1000;

    function poll() {
      fetchProgress(url).then(
        function (progress) {
          setVisible("scan-refresh", false);
          showProgress(status, progress);
          if (progress.running) {
            window.setTimeout(poll, delay);
            return;
          }
          setVisible("scan-cancel", false);
          announceEnd();
        },
        function (error) {
          // Keep trying, but give the user the plain link while the requests fail.
          console.warn("[cxaudit] scan progress request failed:", error);
          setVisible("scan-refresh", true);
          window.setTimeout(poll, delay);
        }
      );
    }

    setVisible("scan-refresh", false);
    window.setTimeout(poll, delay);
  }

  function init() {
    var status = document.getElementById("scan-progress");
    if (status && status.dataset.progressUrl) {
      startPolling(status);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
