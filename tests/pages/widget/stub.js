// The queue stub from the README, loaded as a file so a strict CSP allows it.
window.cxaudit = window.cxaudit || function () { (cxaudit.q = cxaudit.q || []).push(arguments); };
document.getElementById("open-survey").addEventListener("click", function () { cxaudit("show"); });
