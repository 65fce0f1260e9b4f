/** A test double of an unresponsive host: a TCP server on loopback that accepts and never answers. */
import { createServer, type Socket } from "node:net";

/** The silent server; `connected` settles on the first connection, `hangUp` drops every one. */
export interface SilentServer {
  readonly port: number;
  readonly connected: Promise<void>;
  hangUp(): void;
  close(): Promise<void>;
}

/** A TCP server on loopback that accepts connections and never answers, until hangUp. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets: Socket[] = [];
  let onConnection: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => (onConnection = resolve));
  const server = createServer((socket) => {
    sockets.push(socket);
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
    hangUp,
    close: () => new Promise<void>((resolve) => {
      hangUp();
      server.close(() => resolve());
    }),
  };
}

