// Service worker of the paper-entry pages: network first, the cached copy when there is no network.
// Live answers (the sync API, form-number checks) are never cached.
const CACHE = "entry-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/entry/api/") || url.pathname.endsWith("/form-number")) return;
  const cacheable = request.mode === "navigate" || url.pathname.startsWith("/static/");
  event.respondWith(
    fetch(request)
      .then((response) => {
        // A redirect (to the sign-in page) is not the page asked for: keep the old copy.
        if (cacheable && response.ok && !response.redirected) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(url.pathname + (url.pathname.startsWith("/static/") ? url.search : ""), copy));
        }
        return response;
      })
      .catch(() =>
        caches.open(CACHE).then((cache) =>
          cache.match(url.pathname + (url.pathname.startsWith("/static/") ? url.search : ""))
            .then((hit) => hit || cache.match(request, { ignoreSearch: true }))
            .then((hit) => hit || Response.error())
        )
      )
  );
});
