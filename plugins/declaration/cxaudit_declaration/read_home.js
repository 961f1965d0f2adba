// Describe the links and the declaration <meta> tag of the current page.
// Returns {links: [{href, rawHref, name}], metaUrl, a11yIds, storeLinks}.
const fold = (text) => (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
  .replace(/ł/g, "l").replace(/Ł/g, "L").replace(/\s+/g, " ").trim().toLowerCase();

function accessibleName(link) {
  const labelled = link.getAttribute("aria-labelledby");
  if (labelled) {
    const text = labelled.split(/\s+/).map((id) => document.getElementById(id))
      .filter(Boolean).map((element) => element.textContent).join(" ");
    if (text.trim()) return text;
  }
  if ((link.getAttribute("aria-label") || "").trim()) return link.getAttribute("aria-label");
  const text = (link.innerText || link.textContent || "").trim();
  if (text) return text;
  const images = Array.from(link.querySelectorAll("img[alt]")).map((image) => image.alt).join(" ");
  if (images.trim()) return images;
  return link.getAttribute("title") || "";
}

const links = Array.from(document.querySelectorAll("a[href]")).map((link) => ({
  href: link.href,
  rawHref: link.getAttribute("href"),
  name: accessibleName(link).replace(/\s+/g, " ").trim(),
}));

let metaUrl = null;
for (const meta of document.querySelectorAll("meta[name]")) {
  if (fold(meta.getAttribute("name")) === "deklaracja-dostepnosci" && (meta.content || "").trim()) {
    metaUrl = new URL(meta.content.trim(), document.baseURI).href;
    break;
  }
}

const storeLinks = links.map((link) => link.href)
  .filter((href) => /^https?:\/\/(play\.google\.com|apps\.apple\.com|itunes\.apple\.com|appgallery\.huawei\.com)\//i.test(href));

return {
  links: links,
  metaUrl: metaUrl,
  a11yIds: Array.from(document.querySelectorAll("[id^='a11y-']")).map((element) => element.id),
  storeLinks: storeLinks,
};
