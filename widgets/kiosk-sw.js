/*
 * Service worker of the kiosk page (/s/PUBLIC_ID?kiosk=1), registered by
 * widgets/kiosk.js with that page's path as its scope.
 *
 * Every GET the page makes to cxaudit goes to the network first, and a good
 * response is kept in the cache. When the network fails, the cached copy
 * responds, so the page, its style sheet, the widget and the survey's
 * settings load offline. Other requests (the answers the widget posts) pass
 * through untouched: the widget keeps unsent answers itself and sends each
 * once when the network returns.
 */
"use strict";

// widgets/kiosk.js stores the page in the same cache.
const CACHE_NAME = "cxaudit-kiosk";

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method === "GET" && url.origin === self.location.origin) {
    event.respondWith(fromNetworkOrCache(request, url));
  }
});

async function fromNetworkOrCache(request, url) {
  const cache = await caches.open(CACHE_NAME);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    // The widget requests the settings with the browser's languages in the
    // query string, which the stored copy may not match. The kiosk page names
    // its language first, so any stored settings of this survey fit.
    const settings = url.pathname.includes("/api/v1/surveys/");
    const cached = await cache.match(request, { ignoreVary: true, ignoreSearch: settings });
    return cached || Response.error();
  }
}
