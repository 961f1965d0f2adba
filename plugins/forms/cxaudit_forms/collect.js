// Describes every form of the page for the forms audit. Runs in the page
// through WebDriver's execute_script and returns JSON-ready data plus the
// field elements, whose accessible names WebDriver computes afterwards.
// It reads the page and changes nothing.
const FIELD_SELECTOR = "input, select, textarea";
const NOT_FIELDS = new Set(["hidden", "submit", "button", "reset", "image"]);
const BUTTON_SELECTOR = "button, input[type=submit], input[type=image], [role=button]";
// How far above a stray button to look for its fields (see docs/forms.md).
const GROUP_DEPTH = 4;

function clean(text) {
  return (text || "").replace(/\s+/g, " ").trim();
}

function isField(element) {
  if (!element.matches(FIELD_SELECTOR)) return false;
  return !(element.tagName === "INPUT" && NOT_FIELDS.has((element.getAttribute("type") || "text").toLowerCase()));
}

function isRendered(element) {
  const style = getComputedStyle(element);
  return element.getClientRects().length > 0 && style.visibility !== "hidden";
}

function isVisible(element) {
  if (!isRendered(element)) return false;
  const box = element.getBoundingClientRect();
  return box.width > 1 && box.height > 1 && getComputedStyle(element).opacity !== "0";
}

function selectorOf(element) {
  if (element.id && document.querySelectorAll("#" + CSS.escape(element.id)).length === 1) {
    return "#" + CSS.escape(element.id);
  }
  const parts = [];
  let node = element;
  while (node && node.nodeType === 1 && node !== document.documentElement) {
    if (node !== element && node.id && document.querySelectorAll("#" + CSS.escape(node.id)).length === 1) {
      parts.unshift("#" + CSS.escape(node.id));
      return parts.join(" > ");
    }
    const tag = node.tagName.toLowerCase();
    const siblings = Array.from(node.parentElement ? node.parentElement.children : []).filter((s) => s.tagName === node.tagName);
    parts.unshift(siblings.length > 1 ? `${tag}:nth-of-type(${siblings.indexOf(node) + 1})` : tag);
    node = node.parentElement;
  }
  parts.unshift("html");
  return parts.join(" > ");
}

function visibleText(elements) {
  // A picture inside a label is seen too: count its text alternative.
  return clean(elements.filter((e) => e && isVisible(e)).map((e) =>
    e.innerText + " " + Array.from(e.querySelectorAll("img[alt]")).filter(isVisible).map((img) => img.alt).join(" ")).join(" "));
}

function labelledByElements(field) {
  const ids = (field.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
  return ids.map((id) => document.getElementById(id)).filter(Boolean);
}

function visibleLabel(field) {
  const labels = Array.from(field.labels || []);
  return clean(visibleText(labels) + " " + visibleText(labelledByElements(field)));
}

function strayLabel(field, container) {
  // The label just before a field that has none of its own, when its for=
  // names a missing element or another one: the visitor sees a label, but it
  // is wired to nothing or to the wrong field.
  if (visibleLabel(field)) return null;
  const before = (node) => node.compareDocumentPosition(field) & Node.DOCUMENT_POSITION_FOLLOWING;
  const label = Array.from(container.querySelectorAll("label[for]")).filter((l) => before(l) && isVisible(l)).pop();
  if (!label || label.control === field || label.querySelector(FIELD_SELECTOR)) return null;
  const between = Array.from(container.querySelectorAll(FIELD_SELECTOR)).some((f) => f !== field && isField(f) &&
    (label.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING) && before(f));
  if (between) return null;
  const target = label.getAttribute("for");
  return { text: visibleText([label]), target: target, exists: Boolean(document.getElementById(target)) };
}

function groupOf(field) {
  // The named group around a radio button or check box: a fieldset with a
  // legend, or an element with role group or radiogroup and a name.
  const fieldset = field.closest("fieldset");
  if (fieldset) {
    const legend = fieldset.querySelector(":scope > legend");
    if (legend && clean(legend.innerText)) return clean(legend.innerText);
  }
  const group = field.closest("[role=group], [role=radiogroup]");
  if (group) {
    const name = clean(group.getAttribute("aria-label") || visibleText(labelledByElements(group)));
    if (name) return name;
  }
  return "";
}

function questionOf(field, container) {
  // Choices without a named group: the visible text just before the element
  // that contains all the choices of the same name, e.g. "Choose a date:"
  // before a list of radio buttons.
  const name = field.getAttribute("name");
  if (!name) return "";
  const members = Array.from(container.querySelectorAll("input")).filter((f) => f.getAttribute("name") === name);
  let holder = field.parentElement;
  while (holder && holder !== container && !members.every((m) => holder.contains(m))) holder = holder.parentElement;
  if (!holder) return "";
  for (let node = holder.previousSibling; node; node = node.previousSibling) {
    // Another field ends the search; hidden elements are skipped.
    if (node.nodeType === 1 && (node.matches(FIELD_SELECTOR) || node.querySelector(FIELD_SELECTOR))) return "";
    if (node.nodeType === 1 && !isVisible(node)) continue;
    let text = "";
    if (node.nodeType === 1) text = clean(node.innerText);
    if (node.nodeType === 3) text = clean(node.textContent);
    if (text) return text;
  }
  return "";
}

function describeField(field, container) {
  const type = field.tagName === "INPUT" ? (field.getAttribute("type") || "text").toLowerCase() : field.tagName.toLowerCase();
  const tabindex = field.getAttribute("tabindex");
  return {
    selector: selectorOf(field),
    tag: field.tagName.toLowerCase(),
    type: type,
    name: field.getAttribute("name") || "",
    id: field.id || "",
    autocomplete: field.hasAttribute("autocomplete") ? field.getAttribute("autocomplete") : null,
    required: field.required || field.getAttribute("aria-required") === "true",
    placeholder: field.getAttribute("placeholder") || "",
    title: field.getAttribute("title") || "",
    aria_label: field.getAttribute("aria-label") || "",
    label: visibleLabel(field),
    label_any: clean(Array.from(field.labels || []).map((l) => l.textContent).join(" ")),
    checked: Boolean(field.defaultChecked || field.checked),
    group: (type === "radio" || type === "checkbox") ? groupOf(field) : "",
    rendered: isRendered(field),
    disabled: field.disabled,
    tabindex: tabindex === null ? null : parseInt(tabindex, 10),
    stray_label: strayLabel(field, container),
    question: (type === "radio" || type === "checkbox") && !groupOf(field) ? questionOf(field, container) : "",
  };
}

function nearbyLinks(container) {
  // Links in the form and its two nearest ancestors: "next to the form".
  let scope = container;
  for (let level = 0; level < 2 && scope.parentElement && scope.parentElement !== document.body; level++) {
    scope = scope.parentElement;
  }
  return Array.from(scope.querySelectorAll("a[href]")).map((a) => ({ href: a.getAttribute("href"), text: clean(a.textContent) }));
}

function headingBefore(container) {
  const headings = Array.from(document.querySelectorAll("h1, h2, h3, h4, legend"));
  const before = headings.filter((h) => h.compareDocumentPosition(container) & Node.DOCUMENT_POSITION_FOLLOWING || container.contains(h));
  return before.length ? clean(before[before.length - 1].textContent) : "";
}

function captchaOf(container) {
  const html = container.innerHTML.toLowerCase();
  const service = /recaptcha|g-recaptcha/.test(html) ? "recaptcha" : /hcaptcha|h-captcha/.test(html) ? "hcaptcha" : null;
  // An image named "captcha", or any image in a form that asks to retype
  // the code from a picture.
  const asksForCode = /kod z obrazka|przepisz (kod|tekst|znaki)|code (from|in|shown in) the (image|picture)|characters (from|in) the image/i
    .test(container.innerText);
  const image = Array.from(container.querySelectorAll("img")).find((img) =>
    /captcha/i.test(img.src.slice(0, 200) + " " + img.alt + " " + img.id + " " + img.className)) ||
    (asksForCode ? container.querySelector("img") : null);
  const kind = service || (image ? "image" : null);
  const alternative = Array.from(container.querySelectorAll("a, button, audio, [role=button]")).some((e) =>
    /audio|odsłuch|posłuchaj|listen|dźwięk|sound|inna metoda|alternative/i.test(e.textContent + " " + (e.getAttribute("aria-label") || "")));
  return { kind: kind, alternative: Boolean(alternative), selector: image ? selectorOf(image) : null };
}

function submitOf(container, isForm) {
  // In a form, plain buttons (type button or reset) do not send it; a group
  // outside a form is sent by whatever button it has.
  const candidates = Array.from(container.querySelectorAll(BUTTON_SELECTOR)).filter((b) => {
    const type = (b.getAttribute("type") || "").toLowerCase();
    return !isForm || !(b.tagName === "BUTTON" && (type === "button" || type === "reset")) || b.getAttribute("role") === "button";
  });
  const submit = candidates[0];
  return submit ? { selector: selectorOf(submit), text: clean(submit.innerText || submit.value || submit.getAttribute("aria-label")) } : null;
}

function strayGroups() {
  // Fields outside any form that share a close ancestor with a button.
  const groups = [];
  for (const button of document.querySelectorAll(BUTTON_SELECTOR)) {
    if (button.closest("form")) continue;
    let node = button.parentElement;
    for (let level = 0; node && node !== document.documentElement && level < GROUP_DEPTH; level++, node = node.parentElement) {
      const fields = Array.from(node.querySelectorAll(FIELD_SELECTOR)).filter((f) => isField(f) && !f.closest("form"));
      if (fields.length) {
        if (!groups.some((g) => g === node || g.contains(node) || node.contains(g))) groups.push(node);
        break;
      }
    }
  }
  return groups;
}

function describeForm(container, index) {
  const isForm = container.tagName === "FORM";
  const fields = Array.from(container.querySelectorAll(FIELD_SELECTOR)).filter(
    (f) => isField(f) && (isForm ? f.form === container : !f.closest("form")));
  return {
    position: index + 1,
    selector: selectorOf(container),
    is_form: isForm,
    action: isForm ? container.action : location.href,
    method: isForm ? container.method : "",
    role: container.getAttribute("role") || "",
    text: clean(container.innerText).slice(0, 3000),
    heading: headingBefore(container),
    submit: submitOf(container, isForm),
    captcha: captchaOf(container),
    links: nearbyLinks(container),
    fields: fields.map((f) => describeField(f, container)),
    elements: fields,
  };
}

const containers = [...document.querySelectorAll("form"), ...strayGroups()]
  .sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
const links = Array.from(document.querySelectorAll("a[href]")).map((a) => a.getAttribute("href").trim().toLowerCase());
return {
  url: location.href,
  title: document.title,
  text: clean(document.body ? document.body.innerText : "").slice(0, 20000),
  has_mailto: links.some((href) => href.startsWith("mailto:")),
  has_tel: links.some((href) => href.startsWith("tel:")),
  forms: containers.map(describeForm),
};
