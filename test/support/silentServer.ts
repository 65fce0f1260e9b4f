/** A test double of an unresponsive host: a TCP server on loopback that accepts and never answers. */
import { createServer, type Socket } from "node:net";

/** The silent server; `connected` settles on the first connection, `hangUp` drops every one. */
export interface SilentServer {
  readonly port: number;
  readonly connected: Promise<void>;
  /** How many connections are still open: a client that gave up must have closed its own. */
  openConnections(): number;
  hangUp(): void;
  close(): Promise<void>;
}

/** A TCP server on loopback that accepts connections and never answers, until hangUp. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets: Socket[] = [];
  const open = new Set<Socket>();
  let onConnection: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => (onConnection = resolve));
  const server = createServer((socket) => {
    sockets.push(socket);
    open.add(socket);
    socket.on("close", () => open.delete(socket));
    // Reads and drops what the client sends: unread data would also hold back the client's FIN,
    // and its connection would look open here after the client closed it.
    socket.resume();
    socket.on("error", () => undefined);
    onConnection();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the silent server has no port");
  const hangUp = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    port: address.port,
    connected,
    openConnections: () => open.size,
    hangUp,
    close: () => new Promise<void>((resolve) => {
      hangUp();
      server.close(() => resolve());
    }),
  };
}

