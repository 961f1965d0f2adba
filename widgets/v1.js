/*
 * cxaudit survey widget, version 1.
 *
 * Loaded by the one-line snippet
 *   <script src="https://HOST/widget/v1.js" data-survey="PUBLIC_ID" async></script>
 * It defines one global, `cxaudit`, fetches the survey's texts from the API
 * in the page's language, shows an NPS question in a corner dialog inside a
 * Shadow DOM and posts the answer. It sets no cookie and stores nothing in
 * the browser. Every text a visitor sees comes from the server's catalogs.
 *
 * Optional attributes of the <script> tag:
 *   data-lang="pl|en"      language of the widget; default: <html lang>
 *   data-autoshow="false"  wait for cxaudit('show') instead of showing on load
 */
(() => {
  "use strict";

  const LOG_PREFIX = "[cxaudit]";
  const SCRIPT_PATH = "/widget/v1.js";
  const MIN_SCORE = 0;
  const MAX_SCORE = 10;

  const warn = (...details) => console.warn(LOG_PREFIX, ...details);

  const STYLES = `
:host { all: initial !important; }
[hidden] { display: none !important; }
*, *::before, *::after { box-sizing: border-box; }
.dialog {
  position: fixed; z-index: 2147483647; right: 1em; bottom: 1em;
  width: min(24em, calc(100vw - 2em)); max-height: calc(100vh - 2em); overflow: auto;
  margin: 0; padding: 1em;
  background: #fff; color: #1a1a1a;
  border: 2px solid #1f4e79; border-radius: 0.5em;
  box-shadow: 0 0.25em 1em rgba(0, 0, 0, 0.25);
  font: normal 400 medium/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  text-align: start;
  animation: cxaudit-enter 160ms ease-out;
}
@keyframes cxaudit-enter { from { opacity: 0; transform: translateY(0.5em); } to { opacity: 1; transform: none; } }
@media (prefers-reduced-motion: reduce) { .dialog { animation: none; } }
.header { display: flex; align-items: flex-start; gap: 0.5em; margin: 0 0 0.75em; }
h2 { flex: 1; margin: 0; font-size: 1.05em; font-weight: 700; line-height: 1.35; }
button, textarea { font: inherit; color: inherit; margin: 0; letter-spacing: normal; text-transform: none; }
button { cursor: pointer; }
.close {
  flex: none; width: 2.25em; height: 2.25em; padding: 0;
  border: 1px solid #595959; border-radius: 0.25em; background: #fff; color: #1a1a1a; line-height: 1;
}
.close svg { width: 1em; height: 1em; vertical-align: middle; }
.scores { display: flex; flex-wrap: wrap; gap: 0.25em; margin: 0; padding: 0; }
.score {
  flex: 1 0 2.25em; min-width: 2.25em; min-height: 2.5em; padding: 0;
  border: 1px solid #1f4e79; border-radius: 0.25em; background: #fff; color: #1f4e79; font-weight: 600;
}
.score:hover { background: #e8f0f8; }
.score[aria-pressed="true"] { background: #1f4e79; color: #fff; }
.scale { display: flex; justify-content: space-between; gap: 1em; margin: 0.35em 0 0; font-size: 0.875em; color: #404040; }
.scale span:last-child { text-align: end; }
form { margin: 1em 0 0; }
label { display: block; margin: 0 0 0.35em; font-weight: 600; }
textarea {
  display: block; width: 100%; min-height: 5em; padding: 0.5em;
  border: 1px solid #595959; border-radius: 0.25em; background: #fff; resize: vertical;
}
.submit {
  margin: 0.75em 0 0; padding: 0.5em 1.25em;
  border: 1px solid #1f4e79; border-radius: 0.25em; background: #1f4e79; color: #fff; font-weight: 600;
}
.error { margin: 0.5em 0 0; color: #a4001d; }
.error:empty { display: none; }
.thanks { margin: 0; }
:focus-visible { outline: 3px solid #c05600; outline-offset: 2px; }
.thanks:focus-visible, .dialog:focus-visible { outline-offset: -3px; }
@media (forced-colors: active) {
  .score[aria-pressed="true"] { border-width: 3px; text-decoration: underline; }
}
`;

  // --- Start-up: find our <script> tag and keep calls queued before load. ---

  const previous = window.cxaudit;
  if (typeof previous === "function" && previous.loaded) {
    warn("the widget script is included twice on this page; remove one of the snippets");
    return;
  }
  const queuedCalls = previous && Array.isArray(previous.q) ? previous.q : [];

  // document.currentScript is null when this code runs outside a classic
  // <script> element (a module, or a tag manager that evaluates it), so fall
  // back to finding the tag by its src.
  const script =
    document.currentScript ||
    document.querySelector(`script[src*="${SCRIPT_PATH}"][data-survey]`);
  if (!script || !script.src) {
    warn(`no <script> tag with src ending in ${SCRIPT_PATH} and a data-survey attribute was found`);
    return;
  }
  const surveyId = (script.dataset.survey || "").trim();
  if (!surveyId) {
    warn("the <script> tag has no data-survey attribute; copy the snippet again from cxaudit");
    return;
  }
  // The API lives beside /widget/, so a server under a sub-path works too.
  const apiBase = new URL("../api/v1/", script.src);
  const autoShow = script.dataset.autoshow !== "false";

  let widget = null;
  const callsBeforeReady = [];

  function cxaudit(...args) {
    if (widget) {
      runCommand(args);
    } else {
      callsBeforeReady.push(args);
    }
  }
  cxaudit.loaded = true;
  window.cxaudit = cxaudit;

  function runCommand([command]) {
    if (command === "show") {
      widget.show({ moveFocus: true });
    } else if (command === "hide") {
      widget.hide();
    } else {
      warn(`unknown command ${JSON.stringify(command)}; use cxaudit('show') or cxaudit('hide')`);
    }
  }

  // --- Talking to the API. ---

  /** Return the page's language as a primary subtag: pl for Polish pages, en otherwise. */
  function pageLanguage() {
    const tag = (script.dataset.lang || document.documentElement.lang || "").trim().toLowerCase();
    return tag.split(/[-_]/)[0] === "pl" ? "pl" : "en";
  }

  function pageUrl() {
    // Query strings and fragments may carry booking numbers or e-mail
    // addresses, so they never leave the page.
    return location.origin + location.pathname;
  }

  async function loadConfig(language) {
    const url = new URL(`surveys/${encodeURIComponent(surveyId)}`, apiBase);
    url.searchParams.set("lang", language);
    let response;
    try {
      response = await fetch(url, { credentials: "omit" });
    } catch (error) {
      warn(
        `the survey could not be loaded from ${url}: ${error.message}.`,
        `Check that ${location.origin} is in the survey's allowed origins.`
      );
      return null;
    }
    if (!response.ok) {
      warn(`the survey could not be loaded from ${url}: HTTP ${response.status}`);
      return null;
    }
    return response.json();
  }

  /** Post the answer. Resolves to null on success, else to the message to show. */
  async function sendAnswer(config, answer) {
    const url = new URL(`surveys/${encodeURIComponent(surveyId)}/responses`, apiBase);
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        credentials: "omit",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(answer),
        keepalive: true,
      });
    } catch (error) {
      warn(`the answer could not be sent to ${url}: ${error.message}`);
      return config.texts.send_failed;
    }
    if (response.ok) {
      return null;
    }
    let message = config.texts.send_failed;
    try {
      const body = await response.json();
      if (body && body.error && typeof body.error.message === "string") {
        message = body.error.message;
      }
    } catch (error) {
      // The body was not the API's JSON error, so the generic message stays.
    }
    warn(`the server rejected the answer with HTTP ${response.status}: ${message}`);
    return message;
  }

  // --- Building the dialog. Server texts are set with textContent only. ---

  function element(tag, attributes = {}, text = null) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      node.setAttribute(name, value);
    }
    if (text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function applyStyles(root) {
    if ("adoptedStyleSheets" in Document.prototype && "replaceSync" in CSSStyleSheet.prototype) {
      try {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(STYLES);
        root.adoptedStyleSheets = [sheet];
        return;
      } catch (error) {
        // Older engines lack constructable stylesheets, so a <style> follows.
      }
    }
    root.append(element("style", {}, STYLES));
  }

  function closeIcon() {
    const svgNamespace = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(svgNamespace, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(svgNamespace, "path");
    path.setAttribute("d", "M3 3 13 13M13 3 3 13");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "2");
    svg.append(path);
    return svg;
  }

  function buildDialog(config) {
    const texts = config.texts;
    const dialog = element("div", {
      class: "dialog",
      role: "dialog",
      "aria-labelledby": "cxaudit-question",
      lang: config.language,
      tabindex: "-1",
    });
    dialog.hidden = true;

    const header = element("div", { class: "header" });
    const heading = element("h2", { id: "cxaudit-question" }, texts.question);
    const close = element("button", { type: "button", class: "close", "aria-label": texts.close });
    close.append(closeIcon());
    header.append(heading, close);

    const scores = element("div", {
      class: "scores",
      role: "group",
      "aria-labelledby": "cxaudit-question",
      "aria-describedby": "cxaudit-scale-low cxaudit-scale-high",
    });
    for (let score = MIN_SCORE; score <= MAX_SCORE; score += 1) {
      scores.append(
        element("button", { type: "button", class: "score", "aria-pressed": "false", "data-score": String(score) }, String(score))
      );
    }
    const scale = element("p", { class: "scale" });
    scale.append(
      element("span", { id: "cxaudit-scale-low" }, texts.scale_low),
      element("span", { id: "cxaudit-scale-high" }, texts.scale_high)
    );
    const scoreStep = element("div", { class: "score-step" });
    scoreStep.append(scores, scale);

    const form = element("form", { class: "comment-step", novalidate: "" });
    form.hidden = true;
    const label = element("label", { for: "cxaudit-comment" }, texts.comment_label);
    const comment = element("textarea", { id: "cxaudit-comment", name: "comment", rows: "3" });
    if (Number.isInteger(config.comment_max_length)) {
      comment.maxLength = config.comment_max_length;
    }
    const error = element("p", { class: "error", role: "alert" });
    const submit = element("button", { type: "submit", class: "submit" }, texts.submit);
    form.append(label, comment, error, submit);

    const thanks = element("p", { class: "thanks", tabindex: "-1" }, texts.thanks);
    thanks.hidden = true;

    dialog.append(header, scoreStep, form, thanks);
    return { dialog, close, scores, scoreStep, form, comment, error, submit, thanks };
  }

  // --- Behaviour. ---

  function createWidget(config) {
    const host = element("div", { "data-cxaudit-widget": "" });
    const root = host.attachShadow({ mode: "open" });
    applyStyles(root);
    const parts = buildDialog(config);
    root.append(parts.dialog);
    document.body.append(host);

    let selectedScore = null;
    let sending = false;
    // The element outside the widget that had focus before the visitor or
    // the host page moved focus into the dialog; closing returns focus there.
    let returnFocusTo = null;

    const focusIsInside = () => root.activeElement !== null;

    function rememberFocusOrigin(candidate) {
      if (candidate instanceof HTMLElement && candidate !== host && candidate !== document.body) {
        returnFocusTo = candidate;
      }
    }

    function show({ moveFocus }) {
      if (moveFocus) {
        rememberFocusOrigin(document.activeElement);
      }
      parts.dialog.hidden = false;
      if (moveFocus) {
        parts.dialog.focus();
      }
    }

    function hide() {
      if (parts.dialog.hidden) {
        return;
      }
      const restoreFocus = focusIsInside();
      const target = returnFocusTo;
      parts.dialog.hidden = true;
      returnFocusTo = null;
      if (!restoreFocus) {
        return;
      }
      if (target && target.isConnected) {
        target.focus();
      } else if (document.activeElement instanceof HTMLElement) {
        document.activeElement.blur();
      }
    }

    function selectScore(button) {
      selectedScore = Number(button.dataset.score);
      for (const other of parts.scores.querySelectorAll(".score")) {
        other.setAttribute("aria-pressed", String(other === button));
      }
      parts.form.hidden = false;
    }

    async function submit(event) {
      event.preventDefault();
      if (sending || selectedScore === null) {
        return;
      }
      sending = true;
      parts.error.textContent = "";
      const failure = await sendAnswer(config, {
        score: selectedScore,
        comment: parts.comment.value.trim() || null,
        language: config.language,
        page_url: pageUrl(),
      });
      sending = false;
      if (failure !== null) {
        parts.error.textContent = failure;
        return;
      }
      const hadFocus = focusIsInside();
      parts.scoreStep.hidden = true;
      parts.form.hidden = true;
      parts.thanks.hidden = false;
      if (hadFocus) {
        parts.thanks.focus();
      }
    }

    parts.dialog.addEventListener("focusin", (event) => {
      // Focus arriving from the page (by Tab or a click) marks where to return.
      if (!returnFocusTo && event.relatedTarget && !root.contains(event.relatedTarget)) {
        rememberFocusOrigin(event.relatedTarget);
      }
    });
    parts.dialog.addEventListener("focusout", (event) => {
      // Leaving the dialog for the page by Tab: a later close must not jump back.
      if (event.relatedTarget && !root.contains(event.relatedTarget) && !parts.dialog.hidden) {
        returnFocusTo = null;
      }
    });
    parts.dialog.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.stopPropagation();
        hide();
      }
    });
    parts.close.addEventListener("click", hide);
    parts.scores.addEventListener("click", (event) => {
      const button = event.target.closest(".score");
      if (button) {
        selectScore(button);
      }
    });
    parts.form.addEventListener("submit", submit);

    return { show, hide };
  }

  async function start() {
    const config = await loadConfig(pageLanguage());
    if (!config || !config.texts) {
      return;
    }
    if (config.kind !== "nps") {
      warn(`survey kind ${JSON.stringify(config.kind)} is not supported by this widget version`);
      return;
    }
    widget = createWidget(config);
    const calls = [...queuedCalls.map((args) => Array.from(args)), ...callsBeforeReady];
    if (autoShow) {
      widget.show({ moveFocus: false });
    }
    for (const args of calls) {
      runCommand(args);
    }
  }

  function startWhenBodyExists() {
    start().catch((error) => warn("the widget failed to start:", error));
  }

  if (document.body) {
    startWhenBodyExists();
  } else {
    document.addEventListener("DOMContentLoaded", startWhenBodyExists, { once: true });
  }
})();
