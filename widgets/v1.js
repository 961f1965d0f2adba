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
 * Every text a visitor sees comes from the server's catalogs and is set with
 * textContent, never as HTML.
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
  const LANGUAGES = ["pl", "en", "uk"];
  const KINDS = ["nps", "csat", "ces", "helpful"];
  const OUTBOX_KEY = "cxaudit:outbox";
  const SESSION_KEY = "cxaudit:session";
  const DAY_MS = 86400000;
  const RETRY_FIRST_MS = 2000;
  const RETRY_MAX_MS = 300000;
  const KIOSK_RESET_MS = 5000;
  const STEP_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

  const warn = (...details) => console.warn(LOG_PREFIX, ...details);

  const STYLES = `
:host { all: initial !important; }
:host([data-mode="inline"]) { display: block !important; }
[hidden] { display: none !important; }
*, *::before, *::after { box-sizing: border-box; }
.panel {
  margin: 0; padding: 1em; background: #fff; color: #1a1a1a;
  border: 2px solid #1f4e79; border-radius: 0.5em;
  font: normal 400 medium/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  text-align: start; letter-spacing: normal; word-spacing: normal; text-transform: none;
}
.dialog {
  position: fixed; z-index: 2147483647; right: 0.5em; bottom: 0.5em;
  width: min(24em, calc(100vw - 1em)); max-height: calc(100vh - 1em); overflow: auto;
  box-shadow: 0 0.25em 1em rgba(0, 0, 0, 0.25);
  animation: cxaudit-enter 160ms ease-out;
}
@keyframes cxaudit-enter { from { opacity: 0; transform: translateY(0.5em); } to { opacity: 1; transform: none; } }
@media (prefers-reduced-motion: reduce) { .dialog { animation: none; } }
@media (max-width: 30em) { .panel { padding: 0.75em; } }
.header { display: flex; align-items: flex-start; gap: 0.5em; margin: 0 0 0.75em; }
h2 { flex: 1; margin: 0; font-size: 1.05em; font-weight: 700; line-height: 1.35; }
button, textarea, input { font: inherit; color: inherit; margin: 0; letter-spacing: normal; text-transform: none; }
button { cursor: pointer; }
.close {
  flex: none; width: 2.25em; height: 2.25em; padding: 0;
  border: 1px solid #595959; border-radius: 0.25em; background: #fff; color: #1a1a1a; line-height: 1;
}
.close svg { width: 1em; height: 1em; vertical-align: middle; }
form { margin: 0; }
.choices { display: flex; flex-wrap: wrap; gap: 3px; margin: 0; padding: 0; }
.choices.words { flex-direction: column; gap: 0.35em; }
.choice { position: relative; display: block; flex: 1 1 0; min-width: 24px; margin: 0; }
.choice input { position: absolute; inset: 0; width: 100%; height: 100%; opacity: 0; cursor: pointer; }
.choice span {
  display: flex; align-items: center; justify-content: center; min-height: 2.5em; padding: 0.25em;
  border: 1px solid #1f4e79; border-radius: 0.25em; background: #fff; color: #1f4e79; font-weight: 600;
}
.words .choice span { justify-content: flex-start; padding: 0.35em 0.75em; }
.choice input:hover + span { background: #e8f0f8; }
.choice input:checked + span { background: #1f4e79; color: #fff; text-decoration: underline; box-shadow: inset 0 0 0 2px #fff; }
.choice input:focus-visible + span { outline: 3px solid #c05600; outline-offset: 2px; }
.scale { display: flex; justify-content: space-between; gap: 1em; margin: 0.35em 0 0; font-size: 0.875em; color: #404040; }
.scale span:last-child { text-align: end; }
.comment { margin: 1em 0 0; }
label.text { display: block; margin: 0 0 0.35em; font-weight: 600; }
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
  .choice input:checked + span { border-width: 3px; }
}
`;

  // --- Storage. Browsers may refuse it (privacy modes, sandboxed frames). ---

  function storageArea(name) {
    try {
      return window[name];
    } catch (error) {
      return null;
    }
  }

  function load(key, area = "localStorage") {
    try {
      return JSON.parse(storageArea(area).getItem(key));
    } catch (error) {
      return null;
    }
  }

  function save(key, value, area = "localStorage") {
    try {
      storageArea(area).setItem(key, JSON.stringify(value));
    } catch (error) {
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
    warn("the widget script is included twice on this page; remove one of the snippets");
    return;
  }
  const queuedCalls = previous && Array.isArray(previous.q) ? previous.q : [];

  // document.currentScript is null when this code runs outside a classic
  // <script> element (a module, or a tag manager that evaluates it), so fall
  // back to finding the tag by its src.
  const script =
    document.currentScript || document.querySelector(`script[src*="${SCRIPT_PATH}"][data-survey]`);
  if (!script || !script.src) {
    warn(`no <script> tag with src ending in ${SCRIPT_PATH} and a data-survey attribute was found`);
    return;
  }
  const options = script.dataset;
  const surveyId = (options.survey || "").trim();
  if (!surveyId) {
    warn("the <script> tag has no data-survey attribute; copy the snippet again from cxaudit");
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

  function cxaudit(...args) {
    const [command, value] = args;
    if (command === "track") {
      track(value);
    } else if (command === "show" || command === "hide") {
      if (widget) {
        command === "show" ? widget.show(true) : widget.hide(false);
      } else {
        waitingCalls.push(command);
      }
    } else {
      warn(`unknown command ${JSON.stringify(command)}; use cxaudit('show'), cxaudit('hide') or cxaudit('track', STEP)`);
    }
  }
  cxaudit.loaded = true;
  window.cxaudit = cxaudit;

  /** The first of data-lang, <html lang> and the browser's languages that the widget speaks. */
  function pickLanguage() {
    const candidates = [options.lang, document.documentElement.lang, ...(navigator.languages || [navigator.language])];
    for (const tag of candidates) {
      const primary = String(tag || "").trim().toLowerCase().split(/[-_]/)[0];
      if (LANGUAGES.includes(primary)) {
        return primary;
      }
    }
    return "en";
  }

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
    if (typeof step !== "string" || !STEP_NAME.test(step)) {
      warn(`the step ${JSON.stringify(step)} is not tracked; name it with letters, digits and _ . : - only`);
      return;
    }
    trackedSteps.push(step);
    const body = JSON.stringify({ step, session: sessionId(), page_url: pageUrl() });
    const url = surveyUrl("/events");
    // text/plain needs no CORS preflight, so the event leaves even as the page unloads.
    try {
      fetch(url, { method: "POST", body, keepalive: true, credentials: "omit", headers: { "Content-Type": "text/plain" } })
        .catch((error) => warn(`the step ${step} could not be sent: ${error.message}`));
    } catch (error) {
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
      warn(`the answer could not be sent to ${item.url}: ${error.message}; it will be sent again`);
      return "retry";
    }
    if (response.ok) {
      return "sent";
    }
    if (response.status >= 500 || response.status === 429) {
      warn(`the server answered HTTP ${response.status}; the answer will be sent again`);
      return "retry";
    }
    let message = "";
    try {
      message = (await response.json()).error.message;
    } catch (error) {
      // The body was not the API's JSON error.
    }
    warn(`the server rejected the answer with HTTP ${response.status}: ${message}`);
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
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLES);
      root.adoptedStyleSheets = [sheet];
    } catch (error) {
      // Older engines lack constructed stylesheets; a strict CSP then needs data-nonce.
      const style = element("style", options.nonce ? { nonce: options.nonce } : {}, STYLES);
      root.append(style);
    }
  }

  function closeIcon() {
    const namespace = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(namespace, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(namespace, "path");
    path.setAttribute("d", "M3 3 13 13M13 3 3 13");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "2");
    svg.append(path);
    return svg;
  }

  function buildPanel(inline) {
    const texts = config.texts;
    const panel = element("div", {
      class: inline ? "panel" : "panel dialog",
      role: inline ? "region" : "dialog",
      "aria-labelledby": "cxaudit-question",
      lang: config.language,
      tabindex: "-1",
    });
    panel.hidden = true;

    const header = element("div", { class: "header" });
    const close = element("button", { type: "button", class: "close", "aria-label": texts.close });
    close.append(closeIcon());
    header.append(element("h2", { id: "cxaudit-question" }, texts.question));
    if (!inline) {
      header.append(close);
    }

    const form = element("form", { novalidate: "" });
    const choices = element("div", { class: "choices", role: "radiogroup", "aria-labelledby": "cxaudit-question" });
    if (config.kind === "csat" || config.kind === "helpful") {
      choices.classList.add("words");
    }
    for (const choice of config.choices) {
      const label = element("label", { class: "choice" });
      label.append(element("input", { type: "radio", name: "score", value: String(choice.score) }), element("span", {}, choice.label));
      choices.append(label);
    }
    form.append(choices);
    if (texts.scale_low) {
      choices.setAttribute("aria-describedby", "cxaudit-low cxaudit-high");
      const scale = element("p", { class: "scale" });
      scale.append(element("span", { id: "cxaudit-low" }, texts.scale_low), element("span", { id: "cxaudit-high" }, texts.scale_high));
      form.append(scale);
    }

    const commentStep = element("div", { class: "comment" });
    commentStep.hidden = true;
    const comment = element("textarea", { id: "cxaudit-comment", name: "comment", rows: "3", "aria-describedby": "cxaudit-count" });
    comment.maxLength = config.comment_max_length;
    const count = element("p", { class: "count", id: "cxaudit-count" });
    const error = element("p", { class: "error", role: "alert" });
    const submit = element("button", { type: "submit", class: "submit" }, texts.submit);
    commentStep.append(element("label", { class: "text", for: "cxaudit-comment" }, texts.comment_label), comment, count, error, submit);
    form.append(commentStep);

    // A live region that exists before its text, so screen readers announce the thanks.
    const thanks = element("p", { class: "thanks", role: "status", tabindex: "-1" });
    panel.append(header, form, thanks);
    return { panel, close, form, choices, commentStep, comment, count, error, submit, thanks };
  }

  function charactersLeft(count) {
    const forms = config.plurals.characters_left;
    let category = "other";
    try {
      category = new Intl.PluralRules(config.language).select(count);
    } catch (error) {
      // Without Intl the "other" form is used.
    }
    return (forms[category] || forms.other).replace("{n}", String(count));
  }

  // --- Behaviour. ---

  function createWidget() {
    let inline = options.mode === "inline";
    let container = document.body;
    if (inline) {
      container = options.target ? document.querySelector(options.target) : null;
      if (!container) {
        warn(`data-target ${JSON.stringify(options.target || "")} names no element; the survey shows in the corner instead`);
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

  function pathMatches(rule, path) {
    if (rule.match === "equals") {
      return path === rule.value;
    }
    if (rule.match === "contains") {
      return path.includes(rule.value);
    }
    try {
      return new RegExp(rule.value).test(path);
    } catch (error) {
      warn(`the URL rule ${JSON.stringify(rule.value)} is not a valid regular expression`);
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
    const rules = config.url_rules;
    const path = location.pathname;
    return (
      options.autoshow !== "false" &&
      (!rules.length || rules.some((rule) => pathMatches(rule, path))) &&
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
    url.searchParams.set("lang", pickLanguage());
    try {
      // The admin's preview must show settings saved a moment ago, not a cached copy.
      const response = await fetch(url, { credentials: "omit", cache: options.preview === "true" ? "no-store" : "default" });
      if (response.ok) {
        return response.json();
      }
      warn(`the survey could not be loaded from ${url}: HTTP ${response.status}`);
    } catch (error) {
      warn(
        `the survey could not be loaded from ${url}: ${error.message}.`,
        `Check that ${location.origin} is in the survey's allowed origins.`
      );
    }
    return null;
  }

  async function start() {
    for (const args of queuedCalls) {
      cxaudit(...Array.from(args));
    }
    addEventListener("online", () => flush(true));
    flush();
    const loaded = await loadConfig();
    if (!loaded) {
      return;
    }
    if (!KINDS.includes(loaded.kind)) {
      warn(`survey kind ${JSON.stringify(loaded.kind)} is not supported by this widget version`);
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

  function startWhenBodyExists() {
    start().catch((error) => warn("the widget failed to start:", error));
  }

  if (document.body) {
    startWhenBodyExists();
  } else {
    document.addEventListener("DOMContentLoaded", startWhenBodyExists, { once: true });
  }
})();
