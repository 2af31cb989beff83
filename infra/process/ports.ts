import net from 'node:net';

/** A TCP port another process already listens on (or that this process may not bind). */
export class PortInUseError extends Error {
  readonly code = 'PORT_IN_USE';
  constructor(
    readonly host: string,
    readonly port: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PortInUseError';
  }
}

function listenOnce(host: string, port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    // `exclusive` keeps a cluster primary from sharing the handle: we want the kernel's answer.
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Throws a {@link PortInUseError} unless `port` on `host` can be listened on right now.
 * `hint` tells the reader what to do about it, e.g. "stop whatever uses it, or set HTTP_PORT".
 */
export async function assertPortFree(host: string, port: number, hint: string): Promise<void> {
  let server: net.Server;
  try {
    server = await listenOnce(host, port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new PortInUseError(host, port, `Port ${port} on ${host} is already in use: ${hint}`, { cause: error });
    }
    if (code === 'EACCES') {
      throw new PortInUseError(
        host,
        port,
        `Port ${port} on ${host} may not be opened by this user (ports below 1024 need privileges): ${hint}`,
        { cause: error },
      );
    }
    if (code === 'EADDRNOTAVAIL') {
      throw new PortInUseError(
        host,
        port,
        `Cannot listen on ${host}:${port}: ${host} is not an address ` +
          `of this machine. Use 127.0.0.1 or another local address.`,
        { cause: error },
      );
    }
    throw error;
  }
  await close(server);
}

/** A port on `host` (default 127.0.0.1) that was free a moment ago, chosen by the OS. */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  const server = await listenOnce(host, 0);
  const address = server.address();
  await close(server);
  if (address === null || typeof address === 'string') {
    throw new Error(`Could not read the port the OS chose on ${host}`);
  }
  return address.port;
}
