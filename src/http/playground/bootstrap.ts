/**
 * The only inline script on the page. It is a constant (its settings come from the JSON data
 * block `#wsg-playground-config`, which browsers never execute), so one SHA-256 hash computed at
 * startup lets the Content-Security-Policy allow exactly this script and nothing else inline.
 *
 * Headers persist in localStorage (shouldPersistHeaders) so an API key typed once survives a
 * reload; that is the point of a playground, and the key never leaves the user's browser otherwise.
 */
export const BOOTSTRAP_ELEMENT_ID = 'wsg-playground-config';
export const IDE_ELEMENT_ID = 'graphiql';

export const BOOTSTRAP_SCRIPT = `(function () {
  var config = JSON.parse(document.getElementById('${BOOTSTRAP_ELEMENT_ID}').textContent);
  ReactDOM.createRoot(document.getElementById('${IDE_ELEMENT_ID}')).render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: new URL(config.endpoint, location.href).href }),
      defaultTabs: config.tabs,
      defaultHeaders: config.defaultHeaders,
      isHeadersEditorEnabled: true,
      defaultEditorToolsVisibility: 'headers',
      shouldPersistHeaders: true
    })
  );
})();`;
