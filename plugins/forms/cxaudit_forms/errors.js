// Error-handling probe: which fields the page marks invalid after an empty
// submission, whether each error is text next to its field and tied to it,
// whether it is announced or focused, and whether typed values survived.
const names = arguments[0];
const sampleName = arguments[1];
const ERROR_CLASS = /error|invalid|blad|błąd|alert|warning/i;
function clean(text) { return (text || "").replace(/\s+/g, " ").trim(); }
function visible(e) { return e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden"; }
function fieldsNamed(name) { return Array.from(document.getElementsByName(name)); }
const errorElements = Array.from(document.querySelectorAll("body *")).filter((e) =>
  visible(e) && !e.matches("input, select, textarea, form, fieldset, label, body") &&
  (ERROR_CLASS.test(e.className && e.className.baseVal === undefined ? e.className : "") || ERROR_CLASS.test(e.id) ||
   e.matches("[role=alert]")) && clean(e.innerText));
const live = Array.from(document.querySelectorAll("[role=alert], [role=status], [aria-live=assertive], [aria-live=polite]"))
  .filter((e) => clean(e.innerText));
const active = document.activeElement;
const fields = names.map((name) => {
  const field = fieldsNamed(name)[0];
  if (!field) return null;
  const described = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean)
    .map((id) => document.getElementById(id)).filter((e) => e && visible(e) && clean(e.innerText));
  const box = field.parentElement;
  const near = errorElements.filter((e) => box && box.contains(e)).map((e) => clean(e.innerText));
  return {
    name: name,
    invalid: field.getAttribute("aria-invalid") === "true",
    described: described.map((e) => clean(e.innerText)),
    near: near,
  };
});
const sample = sampleName ? fieldsNamed(sampleName)[0] : null;
// The HTTP status of the document now shown (0 when the browser does not tell).
const navigation = performance.getEntriesByType("navigation")[0];
return {
  url: location.href,
  fields: fields,
  errors: errorElements.map((e) => clean(e.innerText)).slice(0, 20),
  announced: live.length > 0,
  focused: Boolean(active && active !== document.body && (active.getAttribute("aria-invalid") === "true" ||
    errorElements.some((e) => e.contains(active)))),
  sample_value: sample ? sample.value : null,
  time_origin: performance.timeOrigin,
  status: navigation && navigation.responseStatus ? navigation.responseStatus : 0,
};
