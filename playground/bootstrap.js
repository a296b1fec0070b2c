// Mounts GraphiQL from the UMD globals (React, ReactDOM, GraphiQL) that the page loaded from
// /assets. Configuration comes from the JSON block rendered by the Go handler, so this script
// stays constant and only needs the page's CSP nonce.
(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('crmgraph-config').textContent);
  // Radix (inside GraphiQL) injects <style> elements for dialogs; it tags them with this
  // nonce so the strict style-src still admits them.
  window.__webpack_nonce__ = document.currentScript.nonce;
  var fetcher = GraphiQL.createFetcher({
    url: new URL(cfg.endpoint, window.location.href).href,
    headers: cfg.fetcherHeaders || undefined
  });
  var props = {
    fetcher: fetcher,
    isHeadersEditorEnabled: cfg.headerEditor
  };
  if (cfg.defaultHeaders) props.defaultHeaders = cfg.defaultHeaders;
  if (cfg.defaultTabs && cfg.defaultTabs.length) props.defaultTabs = cfg.defaultTabs;
  var root = document.getElementById('graphiql');
  root.textContent = '';
  ReactDOM.createRoot(root).render(React.createElement(GraphiQL, props));
})();
