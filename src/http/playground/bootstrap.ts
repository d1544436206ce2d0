/**
 * The only inline script on the page. It is a constant (its settings come from the JSON data
 * block `#wsg-playground-config`, which browsers never execute), so one SHA-256 hash computed at
 * startup lets the Content-Security-Policy allow exactly this script and nothing else inline.
 *
 * Headers are never written to localStorage: they carry API keys, and anything in localStorage
 * stays on disk and is readable by every script of this origin. shouldPersistHeaders: false keeps
 * them out of the saved tabs, but GraphiQL's history (`graphiql:queries`) stores each run's
 * headers regardless, so GraphiQL gets a storage that blanks every `headers` value it writes. A
 * reload brings back the default headers; queries, variables and tabs persist as GraphiQL's do.
 * Only values that hold headers are rewritten (tab state, history); the rest, such as the
 * variables text, are stored exactly as given: GraphiQL matches the saved variables against the
 * saved tabs on load, and a reformatted copy matched none, so every reload opened another tab.
 * The tour opens on the Variables pane, where every step's input is. "Reset tour" forgets the
 * saved tabs (GraphiQL's `graphiql:` keys) and reloads, so the tour's own tabs come back.
 */
export const BOOTSTRAP_ELEMENT_ID = 'wsg-playground-config';
export const IDE_ELEMENT_ID = 'graphiql';
export const RESET_TOUR_ELEMENT_ID = 'wsg-reset-tour';

export const BOOTSTRAP_SCRIPT = `(function () {
  var config = JSON.parse(document.getElementById('${BOOTSTRAP_ELEMENT_ID}').textContent);
  var PREFIX = 'graphiql:';
  function ownKeys() {
    return Object.keys(localStorage).filter(function (key) { return key.indexOf(PREFIX) === 0; });
  }
  function withoutHeaders(value) {
    var blanked = false;
    try {
      var rewritten = JSON.stringify(JSON.parse(value), function (key, item) {
        if (key !== 'headers' || item === null) return item;
        blanked = true;
        return null;
      });
      return blanked ? rewritten : value;
    } catch (notJson) {
      return value;
    }
  }
  // Set by Reset tour: GraphiQL's debounced save of the edited tabs must not land after the
  // clear and before the reload, or the reload would bring the edits back.
  var resetting = false;
  var storage = {
    getItem: function (key) { return localStorage.getItem(key); },
    setItem: function (key, value) {
      if (resetting || key === PREFIX + 'headers') return;
      localStorage.setItem(key, /:(query|variables)$/.test(key) ? value : withoutHeaders(value));
    },
    removeItem: function (key) { localStorage.removeItem(key); },
    clear: function () { ownKeys().forEach(function (key) { localStorage.removeItem(key); }); },
    get length() { return ownKeys().length; }
  };
  var reset = document.getElementById('${RESET_TOUR_ELEMENT_ID}');
  if (reset) {
    reset.addEventListener('click', function () {
      resetting = true;
      storage.clear();
      location.reload();
    });
  }
  ReactDOM.createRoot(document.getElementById('${IDE_ELEMENT_ID}')).render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: new URL(config.endpoint, location.href).href }),
      defaultTabs: config.tabs,
      defaultHeaders: config.defaultHeaders,
      isHeadersEditorEnabled: true,
      defaultEditorToolsVisibility: 'variables',
      shouldPersistHeaders: false,
      storage: storage
    })
  );
})();`;
