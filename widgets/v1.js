/*
 * cxaudit survey widget, version 1.
 *
 * Loaded by the one-line snippet
 *   <script src="https://HOST/widget/v1.js" data-survey="PUBLIC_ID" async></script>
 * It defines one global, `cxaudit`, loads the survey's texts and settings
 * from the API in the visitor's language and shows an NPS, CSAT, CES or
 * "was this page helpful?" question inside a Shadow DOM, either as a corner
 * dialog or inline in a container of the page. It sets no cookie; the only
 * things it keeps are in localStorage (when not to ask again, answers waiting
 * to be sent) and sessionStorage (a random id of the tab for funnel events).
 * Every text a visitor sees comes from the server's catalogs and is added as
 * text nodes, never as HTML.
 *
 * Optional attributes of the <script> tag:
 *   data-lang="pl|en|uk"     language; default: <html lang>, then the browser
 *   data-mode="inline"       show inside the element named by data-target
 *   data-target="#id"        the container of the inline mode
 *   data-autoshow="false"    no automatic triggers: wait for cxaudit('show')
 *   data-show="now"          show at once, ignoring triggers, rules and sampling
 *   data-kiosk="true"        show at once and start again after each answer
 *   data-preview="true"      load the settings bypassing the browser's cache
 *   data-nonce="..."         nonce for the <style> used where constructed
 *                            stylesheets are missing
 *
 * The file is served without its comments and indentation (see
 * cxaudit/widget/minify.py), so no line may end with a // comment after code.
 */
(() => {
  "use strict";

  const LOG_PREFIX = "[cxaudit]";
  const SCRIPT_PATH = "/widget/v1.js";
  const KINDS = ["nps", "csat", "ces", "helpful"];
  const OUTBOX_KEY = "cxaudit:outbox";
  const SESSION_KEY = "cxaudit:session";
  const DAY_MS = 86400000;
  const RETRY_FIRST_MS = 2000;
  // The delay between tries of a stored answer doubles up to one minute, so an
  // answer kept through a long server outage arrives within a minute of the
  // server's return.
  const RETRY_MAX_MS = 60000;
  const KIOSK_RESET_MS = 5000;

  const warn = (...details) => console.warn(LOG_PREFIX, ...details);

  const STYLES = `
:host { all: initial !important; }
:host([data-mode=inline]) { display: block !important; }
[hidden] { display: none !important; }
* { box-sizing: border-box; }
.panel {
  padding: clamp(0.75em, 3vw, 1em); background: #fff; color: #1a1a1a;
  border: 2px solid #1f4e79; border-radius: 0.5em;
  font: medium/1.45 system-ui, sans-serif;
}
.dialog {
  position: fixed; z-index: 2147483647; right: 0.5em; bottom: 0.5em;
  width: min(24em, calc(100vw - 1em)); max-height: calc(100vh - 1em); overflow: auto;
  box-shadow: 0 0.25em 1em #0004;
  animation: cxaudit-enter 160ms ease-out;
}
@keyframes cxaudit-enter { from { opacity: 0; transform: translateY(0.5em); } }
@media (prefers-reduced-motion: reduce) { .dialog { animation: none; } }
.header { display: flex; align-items: flex-start; gap: 0.5em; margin-bottom: 0.75em; }
h2 { flex: 1; margin: 0; font-size: 1.05em; line-height: 1.35; }
button, textarea { font: inherit; color: inherit; margin: 0; }
button { cursor: pointer; }
.close {
  flex: none; width: 1.8em; height: 1.8em; padding: 0;
  border: 1px solid #595959; border-radius: 0.2em; background: #fff; font-size: 1.25em; line-height: 1;
}
.choices { display: flex; flex-wrap: wrap; gap: 3px; }
.choices.words { flex-direction: column; gap: 0.35em; }
.choice { position: relative; flex: 1 1 0; min-width: 24px; }
input { position: absolute; inset: 0; width: 100%; height: 100%; margin: 0; opacity: 0; cursor: pointer; }
.choice span {
  display: flex; align-items: center; justify-content: center; min-height: 2.5em; padding: 0.25em;
  border: 1px solid #1f4e79; border-radius: 0.25em; background: #fff; color: #1f4e79; font-weight: 600;
}
.words span { justify-content: flex-start; padding: 0.35em 0.75em; }
input:hover + span { background: #e8f0f8; }
input:checked + span { background: #1f4e79; color: #fff; text-decoration: underline; box-shadow: inset 0 0 0 2px #fff; }
input:focus-visible + span { outline: 3px solid #c05600; outline-offset: 2px; }
.scale { display: flex; justify-content: space-between; gap: 1em; margin: 0.35em 0 0; font-size: 0.875em; color: #404040; }
#high { text-align: end; }
.comment { margin-top: 1em; }
.text { display: block; margin: 0 0 0.35em; font-weight: 600; }
textarea {
  display: block; width: 100%; min-height: 5em; padding: 0.5em;
  border: 1px solid #595959; border-radius: 0.25em; background: #fff; resize: vertical;
}
.count { margin: 0.25em 0 0; font-size: 0.875em; color: #404040; }
.submit {
  margin: 0.75em 0 0; padding: 0.5em 1.25em;
  border: 1px solid #1f4e79; border-radius: 0.25em; background: #1f4e79; color: #fff; font-weight: 600;
}
.error { margin: 0.5em 0 0; color: #a4001d; }
.error:empty, .thanks:empty { display: none; }
.thanks { margin: 0; }
:focus-visible { outline: 3px solid #c05600; outline-offset: 2px; }
.thanks:focus-visible, .panel:focus-visible { outline-offset: -3px; }
@media (forced-colors: active) {
  input:checked + span { border-width: 3px; }
}
`;

  // --- Storage. Browsers may refuse it (privacy modes, sandboxed frames). ---

  // Reading window.localStorage itself throws where storage is blocked, so it
  // happens inside the try.
  function load(key, area = "localStorage") {
    try {
      return JSON.parse(window[area].getItem(key));
    } catch {
      return null;
    }
  }

  function save(key, value, area = "localStorage") {
    try {
      window[area].setItem(key, JSON.stringify(value));
    } catch {
      // Without storage the widget still works, only without memory.
    }
  }

  function randomId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  // --- Start-up: find our <script> tag and keep calls queued before load. ---

  const previous = window.cxaudit;
  if (typeof previous === "function" && previous.loaded) {
    warn("loaded twice; remove one snippet");
    return;
  }
  const queuedCalls = previous && Array.isArray(previous.q) ? previous.q : [];

  // document.currentScript is null when this code runs outside a classic
  // <script> element (a module, or a tag manager that evaluates it), so fall
  // back to finding the tag by its src.
  const script =
    document.currentScript || document.querySelector(`script[src*="${SCRIPT_PATH}"][data-survey]`);
  if (!script || !script.src) {
    warn(`no <script src=...${SCRIPT_PATH} data-survey=...> found`);
    return;
  }
  const options = script.dataset;
  const surveyId = (options.survey || "").trim();
  if (!surveyId) {
    warn("data-survey is missing; copy the snippet again");
    return;
  }
  // The API lives beside /widget/, so a server under a sub-path works too.
  const apiBase = new URL("../api/v1/", script.src);
  const surveyUrl = (path) => new URL(`surveys/${encodeURIComponent(surveyId)}${path}`, apiBase).href;
  const kiosk = options.kiosk === "true";
  const showNow = kiosk || options.show === "now";
  const snoozeKey = `cxaudit:snooze:${surveyId}`;

  let config = null;
  let widget = null;
  const waitingCalls = [];
  const trackedSteps = [];

  function cxaudit(command, value) {
    if (command === "track") {
      track(value);
    } else if (command === "show" || command === "hide") {
      if (widget) {
        // show(true) moves focus into the survey; hide(false) is no dismissal.
        widget[command](command === "show");
      } else {
        waitingCalls.push(command);
      }
    } else {
      warn(`unknown command ${JSON.stringify(command)}; use show, hide or track`);
    }
  }
  cxaudit.loaded = true;
  window.cxaudit = cxaudit;

  function pageUrl() {
    // Query strings and fragments may carry booking numbers or e-mail
    // addresses, so they never leave the page.
    return location.origin + location.pathname;
  }

  // --- Funnel events. ---

  function sessionId() {
    let id = load(SESSION_KEY, "sessionStorage");
    if (typeof id !== "string") {
      id = randomId();
      save(SESSION_KEY, id, "sessionStorage");
    }
    return id;
  }

  function track(step) {
    trackedSteps.push(step);
    const body = JSON.stringify({ step, session: sessionId(), page_url: pageUrl() });
    const url = surveyUrl("/events");
    // text/plain needs no CORS preflight, so the event leaves even as the page
    // unloads. The server checks the step's name, and its error message names the fix.
    try {
      fetch(url, { method: "POST", body, keepalive: true, credentials: "omit", headers: { "Content-Type": "text/plain" } }).then(
        async (response) => response.ok || warn(`step not tracked: ${await errorMessage(response)}`),
        (error) => warn("step not sent:", error)
      );
    } catch {
      navigator.sendBeacon(url, body);
    }
    if (config && config.triggers.events.includes(step)) {
      autoShow();
    }
  }

  // --- Answers: kept in localStorage until the server has them. ---

  const outbox = () => load(OUTBOX_KEY) || [];

  function updateOutbox(change) {
    // Read again right before writing, so answers other tabs added stay.
    save(OUTBOX_KEY, change(outbox()));
  }

  /** Return the message of the API's JSON error in ``response``, or "" for any other body. */
  async function errorMessage(response) {
    try {
      return (await response.json()).error.message;
    } catch {
      return "";
    }
  }

  /** Post one stored answer: "sent", "retry" or {rejected: message}. */
  async function post(item) {
    let response;
    try {
      response = await fetch(item.url, {
        method: "POST",
        credentials: "omit",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(item.body),
        keepalive: true,
      });
    } catch (error) {
      warn("answer not sent, will retry:", error);
      return "retry";
    }
    if (response.ok) {
      return "sent";
    }
    if (response.status >= 500 || response.status === 429) {
      warn(`answer not sent, will retry: HTTP ${response.status}`);
      return "retry";
    }
    const message = await errorMessage(response);
    warn(`answer rejected: HTTP ${response.status} ${message}`);
    return { rejected: message };
  }

  let flushing = false;
  let retryTimer = null;

  /** Send every stored answer that is due, and plan the next try. */
  async function flush(everything = false) {
    if (flushing) {
      return;
    }
    flushing = true;
    for (const item of outbox()) {
      if (!everything && item.due > Date.now()) {
        continue;
      }
      const result = await post(item);
      updateOutbox((items) =>
        result === "retry"
          ? items.map((other) =>
              other.body.key === item.body.key
                ? { ...other, tries: other.tries + 1, due: Date.now() + Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** other.tries) }
                : other
            )
          : items.filter((other) => other.body.key !== item.body.key)
      );
    }
    flushing = false;
    planRetry();
  }

  function planRetry() {
    clearTimeout(retryTimer);
    const dues = outbox().map((item) => item.due);
    if (dues.length) {
      retryTimer = setTimeout(flush, Math.max(0, Math.min(...dues) - Date.now()));
    }
  }

  /** Store a new answer, then send it: "sent", "queued" or {rejected: message}. */
  async function deliver(body) {
    const item = { url: surveyUrl("/responses"), body: { ...body, key: randomId() }, tries: 1, due: Date.now() + RETRY_FIRST_MS };
    updateOutbox((items) => [...items, item]);
    const result = await post(item);
    if (result === "retry") {
      planRetry();
      return "queued";
    }
    updateOutbox((items) => items.filter((other) => other.body.key !== item.body.key));
    return result;
  }

  // --- Building the widget. Server texts are set with textContent only. ---

  /** Create an element with attributes and children. String children become text nodes, never HTML. */
  function element(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const name in attributes) {
      node.setAttribute(name, attributes[name]);
    }
    node.append(...children);
    return node;
  }

  function applyStyles(root) {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLES);
      root.adoptedStyleSheets = [sheet];
    } catch {
      // Older engines lack constructed stylesheets; a strict CSP then needs data-nonce.
      root.append(element("style", options.nonce ? { nonce: options.nonce } : {}, STYLES));
    }
  }

  function buildPanel(inline) {
    const texts = config.texts;
    // Ids need no prefix: they live in the widget's own shadow root.
    const close = element(
      "button",
      { type: "button", class: "close", "aria-label": texts.close },
      // A character draws the cross; screen readers read the button's label instead.
      element("span", { "aria-hidden": "true" }, "\u00d7")
    );
    const header = element("div", { class: "header" }, element("h2", { id: "question" }, texts.question));
    if (!inline) {
      header.append(close);
    }

    const choices = element("div", {
      class: config.kind === "csat" || config.kind === "helpful" ? "choices words" : "choices",
      role: "radiogroup",
      "aria-labelledby": "question",
    });
    for (const choice of config.choices) {
      choices.append(
        element("label", { class: "choice" }, element("input", { type: "radio", name: "score", value: choice.score }), element("span", {}, choice.label))
      );
    }
    const form = element("form", { novalidate: "" }, choices);
    if (texts.scale_low) {
      choices.setAttribute("aria-describedby", "low high");
      form.append(element("p", { class: "scale" }, element("span", { id: "low" }, texts.scale_low), element("span", { id: "high" }, texts.scale_high)));
    }

    const comment = element("textarea", { id: "comment", name: "comment", rows: 3, "aria-describedby": "count", maxlength: config.comment_max_length });
    const count = element("p", { class: "count", id: "count" });
    const error = element("p", { class: "error", role: "alert" });
    const submit = element("button", { type: "submit", class: "submit" }, texts.submit);
    const commentStep = element("div", { class: "comment", hidden: "" }, element("label", { class: "text", for: "comment" }, texts.comment_label), comment, count, error, submit);
    form.append(commentStep);

    // A live region that exists before its text, so screen readers announce the thanks.
    const thanks = element("p", { class: "thanks", role: "status", tabindex: -1 });
    const panel = element(
      "div",
      { class: inline ? "panel" : "panel dialog", role: inline ? "region" : "dialog", "aria-labelledby": "question", lang: config.language, tabindex: -1, hidden: "" },
      header,
      form,
      thanks
    );
    return { panel, close, form, choices, commentStep, comment, count, error, submit, thanks };
  }

  function charactersLeft(count) {
    // The server sends one text per CLDR plural category of the language.
    const forms = config.plurals.characters_left;
    return (forms[new Intl.PluralRules(config.language).select(count)] || forms.other).replace("{n}", count);
  }

  // --- Behaviour. ---

  function createWidget() {
    let inline = options.mode === "inline";
    let container = document.body;
    if (inline) {
      container = options.target ? document.querySelector(options.target) : null;
      if (!container) {
        warn(`data-target ${JSON.stringify(options.target || "")} not found; showing in the corner`);
        inline = false;
        container = document.body;
      }
    }
    const host = element("div", { "data-cxaudit-widget": "", "data-mode": inline ? "inline" : "dialog" });
    const root = host.attachShadow({ mode: "open" });
    applyStyles(root);
    const parts = buildPanel(inline);
    root.append(parts.panel);
    container.append(host);

    let score = null;
    let busy = false;
    // The element outside the widget that had focus before focus moved into
    // the widget; closing returns focus there.
    let returnFocusTo = null;
    const focusIsInside = () => root.activeElement !== null;

    function rememberFocusOrigin(candidate) {
      if (candidate instanceof HTMLElement && candidate !== host && candidate !== document.body) {
        returnFocusTo = candidate;
      }
    }

    function show(moveFocus) {
      if (moveFocus && !focusIsInside()) {
        rememberFocusOrigin(document.activeElement);
      }
      parts.panel.hidden = false;
      if (moveFocus) {
        parts.panel.focus();
      }
    }

    function hide(dismissed) {
      if (parts.panel.hidden) {
        return;
      }
      if (dismissed) {
        snooze();
      }
      const restoreFocus = focusIsInside();
      const target = returnFocusTo;
      parts.panel.hidden = true;
      returnFocusTo = null;
      if (restoreFocus && target && target.isConnected) {
        target.focus();
      } else if (restoreFocus && document.activeElement instanceof HTMLElement) {
        document.activeElement.blur();
      }
    }

    function showCount() {
      parts.count.textContent = charactersLeft(config.comment_max_length - parts.comment.value.length);
    }

    function reset() {
      score = null;
      parts.form.reset();
      parts.commentStep.hidden = true;
      parts.form.hidden = false;
      parts.thanks.textContent = "";
      showCount();
    }

    async function submit(event) {
      event.preventDefault();
      if (busy || score === null) {
        return;
      }
      if (parts.commentStep.hidden) {
        parts.commentStep.hidden = false;
        return;
      }
      busy = true;
      parts.error.textContent = "";
      const result = await deliver({
        score,
        comment: parts.comment.value.trim() || null,
        language: config.language,
        page_url: pageUrl(),
      });
      busy = false;
      if (result.rejected !== undefined) {
        parts.error.textContent = result.rejected || config.texts.send_failed;
        return;
      }
      const hadFocus = focusIsInside();
      // The shorter thanks must not pull the page below an inline survey up.
      parts.panel.style.minHeight = `${parts.panel.getBoundingClientRect().height}px`;
      parts.form.hidden = true;
      parts.thanks.textContent = result === "queued" ? `${config.texts.thanks} ${config.texts.saved_offline}` : config.texts.thanks;
      if (hadFocus) {
        parts.thanks.focus();
      }
      if (kiosk) {
        setTimeout(() => {
          reset();
          parts.choices.querySelector("input").focus();
        }, KIOSK_RESET_MS);
      } else {
        snooze();
      }
    }

    parts.panel.addEventListener("focusin", (event) => {
      // Focus arriving from the page (by Tab or a click) marks where to return.
      if (!returnFocusTo && event.relatedTarget && !root.contains(event.relatedTarget)) {
        rememberFocusOrigin(event.relatedTarget);
      }
    });
    parts.panel.addEventListener("focusout", (event) => {
      // Leaving the widget for the page by Tab: a later close must not jump back.
      if (event.relatedTarget && !root.contains(event.relatedTarget) && !parts.panel.hidden) {
        returnFocusTo = null;
      }
    });
    parts.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !inline) {
        event.stopPropagation();
        hide(true);
      }
    });
    parts.close.addEventListener("click", () => hide(true));
    parts.choices.addEventListener("change", (event) => {
      score = Number(event.target.value);
      parts.commentStep.hidden = false;
    });
    parts.comment.addEventListener("input", showCount);
    parts.form.addEventListener("submit", submit);
    showCount();

    return { show, hide };
  }

  // --- When the survey appears. ---

  function snooze() {
    if (!kiosk) {
      save(snoozeKey, Date.now() + config.snooze_days * DAY_MS);
    }
  }

  function pathMatches() {
    // The server joins the survey's URL rules into one regular expression.
    try {
      return !config.path_pattern || new RegExp(config.path_pattern).test(location.pathname);
    } catch {
      warn(`invalid URL rule in ${config.path_pattern}`);
      return false;
    }
  }

  function inSample() {
    // Decided once per tab, so a visitor is not asked on some pages of a visit and not others.
    const key = `cxaudit:sample:${surveyId}`;
    let sampled = load(key, "sessionStorage");
    if (typeof sampled !== "boolean") {
      sampled = Math.random() * 100 < config.sample_percent;
      save(key, sampled, "sessionStorage");
    }
    return sampled;
  }

  function mayShowByItself() {
    // URL rules are checked when a trigger fires, not at load, so on a
    // single-page site they follow the page's own navigation.
    return (
      options.autoshow !== "false" &&
      pathMatches() &&
      !(load(snoozeKey) > Date.now()) &&
      inSample()
    );
  }

  let shownByItself = false;

  function autoShow() {
    if (widget && !shownByItself && mayShowByItself()) {
      shownByItself = true;
      widget.show(false);
    }
  }

  function watchTriggers() {
    const triggers = config.triggers;
    if (Number.isFinite(triggers.delay_seconds)) {
      setTimeout(autoShow, triggers.delay_seconds * 1000);
    }
    if (Number.isFinite(triggers.scroll_percent)) {
      const onScroll = () => {
        const seen = (scrollY + innerHeight) / Math.max(document.documentElement.scrollHeight, 1);
        if (seen * 100 >= triggers.scroll_percent) {
          removeEventListener("scroll", onScroll);
          autoShow();
        }
      };
      addEventListener("scroll", onScroll, { passive: true });
    }
    if (triggers.exit_intent && !matchMedia("(pointer: coarse)").matches) {
      // The pointer leaving through the top edge, towards the tabs and the address bar.
      const onLeave = (event) => {
        if (!event.relatedTarget && event.clientY <= 0) {
          document.removeEventListener("mouseout", onLeave);
          autoShow();
        }
      };
      document.addEventListener("mouseout", onLeave, { passive: true });
    }
  }

  async function loadConfig() {
    const url = new URL(surveyUrl(""));
    // The server picks the first of these it speaks: data-lang, <html lang>, the browser's languages.
    url.searchParams.set("lang", [options.lang, document.documentElement.lang, ...navigator.languages]);
    try {
      // The admin's preview must show settings saved a moment ago, not a cached copy.
      const response = await fetch(url, { credentials: "omit", cache: options.preview === "true" ? "no-store" : "default" });
      if (response.ok) {
        return response.json();
      }
      warn(`the survey could not be loaded: HTTP ${response.status} ${await errorMessage(response)}`);
    } catch (error) {
      // A page on an origin the survey does not allow cannot read the server's refusal, so this is a network error.
      warn(`the survey could not be loaded; is ${location.origin} an allowed origin?`, error);
    }
    return null;
  }

  async function start() {
    for (const args of queuedCalls) {
      cxaudit(...args);
    }
    addEventListener("online", () => flush(true));
    flush();
    const loaded = await loadConfig();
    if (!loaded) {
      return;
    }
    if (!KINDS.includes(loaded.kind)) {
      warn(`unsupported survey kind ${JSON.stringify(loaded.kind)}`);
      return;
    }
    config = loaded;
    widget = createWidget();
    if (showNow) {
      widget.show(false);
    } else {
      watchTriggers();
      if (trackedSteps.some((step) => config.triggers.events.includes(step))) {
        autoShow();
      }
    }
    for (const command of waitingCalls) {
      cxaudit(command);
    }
  }

  const startWhenBodyExists = () => start().catch((error) => warn("failed to start:", error));
  // An async script may run before <body> exists, when the snippet is in <head>.
  if (document.body) {
    startWhenBodyExists();
  } else {
    document.addEventListener("DOMContentLoaded", startWhenBodyExists, { once: true });
  }
})();
