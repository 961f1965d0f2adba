// Read the a11y-* elements of an accessibility declaration in the current page.
// For each id: how often it occurs, its tag, own text, the text of its section,
// its href, the datetime of its <time>, and the list items in its section.
const INLINE = new Set(["A", "ABBR", "B", "EM", "I", "SPAN", "STRONG", "TIME", "SMALL", "CODE", "LABEL"]);
const HEADING = /^H([1-6])$/;
const clean = (text) => (text || "").replace(/\s+/g, " ").trim();

function headingLevel(element) {
  const match = element.nodeType === 1 ? HEADING.exec(element.tagName) : null;
  return match ? Number(match[1]) : null;
}

function startsOtherElement(node, own) {
  if (node.nodeType !== 1) return false;
  if (node.id && node.id.startsWith("a11y-") && node !== own) return true;
  return Array.from(node.querySelectorAll("[id^='a11y-']")).some((element) => element !== own && !own.contains(element));
}

function containsHeading(node, ownLevel) {
  if (node.nodeType !== 1) return false;
  return Array.from(node.querySelectorAll("h1, h2, h3, h4, h5, h6")).some((heading) => headingLevel(heading) <= ownLevel);
}

// The element and the content that follows it up to the next heading (for a
// heading: the next heading of the same or a higher level) or the next a11y-* element.
function sectionNodes(element) {
  const nodes = [element];
  const ownLevel = headingLevel(element);
  let start = element;
  while (ownLevel === null && INLINE.has(start.tagName) && start.parentElement && start.parentElement !== document.body) {
    start = start.parentElement;
    nodes.push(start);
  }
  for (let node = start.nextSibling; node; node = node.nextSibling) {
    const level = headingLevel(node);
    if (level !== null && (ownLevel === null || level <= ownLevel)) break;
    // A section under a heading (a11y-kontakt) holds other a11y-* elements
    // (a11y-email); any other element ends where the next one starts.
    if (ownLevel === null && startsOtherElement(node, element)) break;
    if (ownLevel !== null && containsHeading(node, ownLevel)) break;
    nodes.push(node);
  }
  return nodes;
}

function describe(element) {
  const nodes = sectionNodes(element);
  const sectionText = clean(nodes.map((node) => node.nodeType === 1 ? (node.innerText || node.textContent) : node.textContent).join(" "));
  const listItems = nodes.filter((node) => node.nodeType === 1)
    .flatMap((node) => node.tagName === "LI" ? [node] : Array.from(node.querySelectorAll("li")))
    .filter((item) => clean(item.textContent)).length;
  const time = element.tagName === "TIME" ? element : element.querySelector("time");
  const link = element.tagName === "A" ? element : element.querySelector("a[href]");
  const sectionLinks = nodes.filter((node) => node.nodeType === 1)
    .flatMap((node) => node.tagName === "A" ? [node] : Array.from(node.querySelectorAll("a[href]")))
    .map((anchor) => anchor.getAttribute("href"));
  return {
    tag: element.tagName.toLowerCase(),
    text: clean(element.innerText || element.textContent),
    sectionText: sectionText.slice(0, 20000),
    href: link ? link.getAttribute("href") : null,
    datetime: time ? time.getAttribute("datetime") : null,
    listItems: listItems,
    sectionLinks: sectionLinks,
  };
}

const elements = {};
const counts = {};
for (const element of document.querySelectorAll("[id^='a11y-']")) {
  counts[element.id] = (counts[element.id] || 0) + 1;
  if (!elements[element.id]) elements[element.id] = describe(element);
}
for (const id of Object.keys(elements)) elements[id].count = counts[id];

// Ids that are meant to be a11y-* ids but are written with quotes, spaces or capitals.
const malformed = [];
for (const element of document.querySelectorAll("[id]")) {
  const raw = element.id;
  const repaired = raw.replace(/["'\u201c\u201d\u201e\u2018\u2019\s]/g, "").toLowerCase();
  if (repaired !== raw && repaired.startsWith("a11y-")) malformed.push({raw: raw, id: repaired, description: describe(element)});
}

return {
  elements: elements,
  malformed: malformed,
  text: clean(document.body ? document.body.innerText : "").slice(0, 100000),
  storeLinks: Array.from(document.querySelectorAll("a[href]")).map((link) => link.href)
    .filter((href) => /^https?:\/\/(play\.google\.com|apps\.apple\.com|itunes\.apple\.com|appgallery\.huawei\.com)\//i.test(href)),
};
