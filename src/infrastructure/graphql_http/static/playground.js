// Mounts GraphiQL on #graphiql, with the token of #token on its requests. A file rather than an
// inline script, so the page's Content-Security-Policy can allow scripts from its own origin only.
(function () {
  "use strict";
  // GraphiQL's dialogs add <style> elements and tag them with this global's value (the
  // webpack convention its scroll-lock library follows): the page's CSP nonce lets them apply.
  window.__webpack_nonce__ = document.currentScript.nonce;
  var root = document.getElementById("graphiql");
  var endpoint = root.getAttribute("data-endpoint");
  var tokenInput = document.getElementById("token");
  var clearButton = document.getElementById("token-clear");
  // This tab only (sessionStorage): gone when the tab closes, never in GraphiQL's localStorage.
  var STORAGE_KEY = "pcqrses.playground.token";

  function storedToken() {
    try {
      return window.sessionStorage.getItem(STORAGE_KEY) || "";
    } catch (error) {
      return ""; // storage refused (privacy settings): the field still works for this page
    }
  }

  function storeToken(token) {
    try {
      if (token) {
        window.sessionStorage.setItem(STORAGE_KEY, token);
      } else {
        window.sessionStorage.removeItem(STORAGE_KEY);
      }
    } catch (error) {
      // storage refused: the token lives in the field only
    }
  }

  // A pasted "Bearer eyJ…" or one with spaces around it counts as the token itself.
  function currentToken() {
    return tokenInput.value.trim().replace(/^Bearer\s+/i, "");
  }

  // The token goes only as the Authorization header of requests to this page's own origin.
  function fetchWithToken(url, init) {
    var token = currentToken();
    if (!token || new URL(url, window.location.href).origin !== window.location.origin) {
      return window.fetch(url, init);
    }
    var headers = new Headers((init && init.headers) || {});
    headers.set("Authorization", "Bearer " + token);
    return window.fetch(url, Object.assign({}, init, { headers: headers }));
  }

  var reactRoot = ReactDOM.createRoot(root);
  // A new fetcher makes GraphiQL load the schema again, now with the new token.
  function render() {
    // The toolkit's fetcher POSTs {query, variables, operationName} as application/json.
    var fetcher = GraphiQL.createFetcher({ url: endpoint, fetch: fetchWithToken });
    reactRoot.render(
      React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true })
    );
  }

  tokenInput.value = storedToken();
  tokenInput.addEventListener("input", function () {
    storeToken(currentToken());
  });
  tokenInput.addEventListener("change", render);
  clearButton.addEventListener("click", function () {
    tokenInput.value = "";
    storeToken("");
    render();
  });
  render();
})();
