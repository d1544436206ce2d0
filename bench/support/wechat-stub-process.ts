import { serveParent } from './child-process.js';
import { createStubServer, listenOnLoopback } from './wechat-stub.js';

// Entry point of the stub's own process (forked by spawnWeChatStub).
const { server, stats } = createStubServer();
const url = await listenOnLoopback(server);
serveParent(
  { url },
  {
    stats: () => ({ ...stats }),
    stop: () => {
      server.closeAllConnections();
      server.close();
    },
  },
);
