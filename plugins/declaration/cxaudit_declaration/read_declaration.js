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

// The page's text in blocks (paragraphs, list items, cells, headings, loose
// text), each with a selector and the heading above it. An element whose id
// is missing is looked for in them.
const BLOCK = new Set(["P", "LI", "TD", "TH", "DD", "DT", "H1", "H2", "H3", "H4", "H5", "H6", "ADDRESS", "CAPTION",
  "FIGCAPTION", "BLOCKQUOTE"]);
const BLOCK_SELECTOR = Array.from(BLOCK).join(",");
const PLAIN_ID = /^[A-Za-z][\w-]*$/;

// Browsers nest whole paragraphs in an unclosed <strong>: such an inline element is a container, not text.
function isInlineText(node) {
  return node.nodeType === 1 && INLINE.has(node.tagName) && !node.querySelector(BLOCK_SELECTOR);
}

function cssPath(element) {
  const steps = [];
  for (let node = element; node && node !== document.body; node = node.parentElement) {
    if (node.id && PLAIN_ID.test(node.id)) {
      steps.unshift("#" + node.id);
      return steps.join(" > ");
    }
    const sameTag = Array.from(node.parentElement.children).filter((sibling) => sibling.tagName === node.tagName);
    const name = node.tagName.toLowerCase();
    steps.unshift(sameTag.length > 1 ? `${name}:nth-of-type(${sameTag.indexOf(node) + 1})` : name);
  }
  return ["body", ...steps].join(" > ");
}

const HEADINGS = Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6"));

// The text of the last heading before ``node`` in document order, or "".
function headingBefore(node) {
  let found = "";
  for (const heading of HEADINGS) {
    if (!(heading.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING) || heading.contains(node)) break;
    found = clean(heading.innerText || heading.textContent);
  }
  return found;
}

function textBlocks() {
  const blocks = [];
  for (const element of document.body ? document.body.querySelectorAll("*") : []) {
    const inBlock = element.parentElement && element.parentElement.closest(BLOCK_SELECTOR);
    // Inline elements outside a block are read with the text of their container.
    if (inBlock || isInlineText(element) || ["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"].includes(element.tagName)) continue;
    let text = "";
    let start = element;
    if (BLOCK.has(element.tagName)) {
      text = clean(element.innerText || element.textContent);
    } else {
      // Text written straight into a container, outside any paragraph, with its links and other inline elements.
      const loose = Array.from(element.childNodes).filter((node) => (node.nodeType === 3 && clean(node.textContent)) || isInlineText(node));
      text = clean(loose.map((node) => node.nodeType === 3 ? node.textContent : (node.innerText || node.textContent)).join(" "));
      start = loose[0] || element;
    }
    if (text) blocks.push({selector: cssPath(element), text: text.slice(0, 2000), heading: headingLevel(element) !== null ? "" : headingBefore(start)});
  }
  return blocks.slice(0, 2000);
}

return {
  blocks: textBlocks(),
  elements: elements,
  malformed: malformed,
  text: clean(document.body ? document.body.innerText : "").slice(0, 100000),
  storeLinks: Array.from(document.querySelectorAll("a[href]")).map((link) => link.href)
    .filter((href) => /^https?:\/\/(play\.google\.com|apps\.apple\.com|itunes\.apple\.com|appgallery\.huawei\.com)\//i.test(href)),
};
