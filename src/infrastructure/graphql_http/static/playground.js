// Mounts GraphiQL on #graphiql. A file rather than an inline script, so the page's
// Content-Security-Policy can allow scripts from its own origin only.
(function () {
  "use strict";
  // GraphiQL's dialogs add <style> elements and tag them with this global's value (the
  // webpack convention its scroll-lock library follows): the page's CSP nonce lets them apply.
  window.__webpack_nonce__ = document.currentScript.nonce;
  var root = document.getElementById("graphiql");
  // The toolkit's fetcher POSTs {query, variables, operationName} as application/json.
  var fetcher = GraphiQL.createFetcher({ url: root.getAttribute("data-endpoint") });
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true })
  );
})();
