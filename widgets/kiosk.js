/*
 * Kiosk mode of the hosted survey page (/s/PUBLIC_ID?kiosk=1): lets the page
 * load again without network.
 *
 * Registers the kiosk's service worker for this page's path alone, then
 * stores the page and what it loads (named in data-precache) in the cache the
 * worker falls back to. The worker handles requests only once it controls the
 * page, so storing them here covers a reload before any further request.
 * Answers never pass through the cache: the widget keeps an answer it could
 * not send in localStorage and sends it once, with its key, when the network
 * returns.
 */
(() => {
  "use strict";

  // The service worker (widgets/kiosk-sw.js) reads the same cache.
  const CACHE_NAME = "cxaudit-kiosk";
  const script = document.currentScript;

  if (!("serviceWorker" in navigator) || !window.caches) {
    console.warn("[cxaudit] this browser has no service workers, so the kiosk needs the network to load");
    return;
  }

  const urls = [location.href, ...JSON.parse(script.dataset.precache)];
  navigator.serviceWorker
    .register(script.dataset.worker, { scope: location.pathname })
    .then(() => caches.open(CACHE_NAME))
    .then((cache) => cache.addAll(urls))
    .catch((error) => console.warn("[cxaudit] the kiosk could not prepare to work offline:", error));
})();
