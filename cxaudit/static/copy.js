// Copy buttons for read-only fields such as the survey snippet.
//
// A button names its field in data-copy-target and its live region in
// data-copy-status. The text is selected first, so it can still be copied by
// hand when the Clipboard API is missing or denied (plain HTTP, headless
// browsers, strict permission settings), and the status then reports that.
(function () {
  "use strict";

  function announce(status, message) {
    // Clearing first makes screen readers announce a repeated message again.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function copyFrom(button) {
    var field = document.getElementById(button.dataset.copyTarget);
    var status = document.getElementById(button.dataset.copyStatus);
    if (!field || !status) {
      console.warn("[cxaudit] copy button without its field or status:", button);
      return;
    }

    field.focus();
    field.select();
    var selectedMessage = button.dataset.selectedMessage;

    if (!navigator.clipboard || !window.isSecureContext) {
      announce(status, selectedMessage);
      return;
    }
    navigator.clipboard.writeText(field.value).then(
      function () { announce(status, button.dataset.copiedMessage); },
      function () { announce(status, selectedMessage); }
    );
  }

  function init() {
    var buttons = document.querySelectorAll("button[data-copy-target]");
    Array.prototype.forEach.call(buttons, function (button) {
      // The button stays hidden without JavaScript, where it could do nothing.
      button.hidden = false;
      button.addEventListener("click", function () { copyFrom(button); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
