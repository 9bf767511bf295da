// The JSON API, at the URLs the page was rendered with (config.urls): nothing here knows a path.
export function install(ws) {
  const urls = ws.config.urls;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  // An annotation's URL: the page gives the one of annotation 0.
  const annotationUrl = (id) => urls.annotation.replace(/\/0$/, "/" + id);

  // {response, payload}; throws only when the server cannot be reached.
  async function send(method, url, body) {
    const response = await fetch(url, {
      method: method,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload = response.status === 204 ? {} : await response.json().catch(() => ({}));
    return { response: response, payload: payload };
  }

  ws.api = {
    create: (body) => send("POST", urls.annotations, body),
    update: (id, body) => send("PATCH", annotationUrl(id), body),
    remove: (id, version) => send("DELETE", annotationUrl(id) + "?version=" + encodeURIComponent(version)),
    lookUpSource: (url) => send("GET", urls.source_lookup + "?url=" + encodeURIComponent(url)),
  };
}
