import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a database server, for tests of what a node does when the network fails:
 * `cut` resets every connection and refuses new ones (a partition, a server that stopped), `freeze`
 * keeps connections open but carries nothing (a silent network), and `start`/`thaw` undo them.
 */
export function createTcpProxy(target: URL) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  let frozen = false;

  const pipe = (from: Socket, to: Socket) => {
    from.on('data', (chunk: Buffer) => {
      if (frozen) return;
      to.write(chunk);
    });
  };

  return {
    async start() {
      server = createServer((client) => {
        const upstream = createConnection(Number(target.port || 5432), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => {
            sockets.delete(s);
            client.destroy();
            upstream.destroy();
          });
          s.on('error', () => {});
        }
        pipe(client, upstream);
        pipe(upstream, client);
      });
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
      port = (server.address() as { port: number }).port;
    },
    async cut() {
      const closed = server ? new Promise((resolve) => server?.close(resolve)) : Promise.resolve();
      for (const s of sockets) s.destroy();
      await closed;
      server = null;
    },
    /** From now on, bytes are dropped both ways, on open connections and new ones alike. */
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
    },
    /** `target` with the proxy's address in its place. */
    url(): string {
      const proxied = new URL(target);
      proxied.host = `127.0.0.1:${port}`;
      return proxied.toString();
    },
  };
}
