/**
 * What the server says about its socket: the start line, and why it could not listen. Pure, so
 * that each wording has its test; src/server.ts prints them.
 */

/**
 * The start line for each address the server listens on, with the URL of its API documentation.
 * An IPv6 wildcard is not a URL a browser opens: localhost reaches it.
 */
export function listeningLine(address: string): string {
  const url = address.replace('//[::]:', '//localhost:');
  return `Fjord listening on ${url} — API docs at ${url}/docs`;
}

/** Exit codes of a start that cannot listen (sysexits.h). */
export const EXIT_CONFIG = 78;
/** The port is taken: the same start may succeed once the other process is gone. */
export const EXIT_PORT_IN_USE = 75;

export interface ListenFailure {
  line: string;
  exitCode: number;
}

/** One line that names the fix, for the errors a start meets on a machine; null for any other. */
export function listenFailure(err: unknown, where: { PORT: number; HOST: string }): ListenFailure | null {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const { PORT, HOST } = where;
  switch (code) {
    case 'EADDRINUSE':
      return {
        line: `port ${PORT} on ${HOST} is already in use by another process: stop that process, or set PORT to a free port`,
        exitCode: EXIT_PORT_IN_USE,
      };
    case 'EACCES':
      return {
        line:
          PORT < 1024
            ? `port ${PORT} needs privileges this process does not have: set PORT to 1024 or above`
            : `this process may not listen on ${HOST} port ${PORT}: set PORT or HOST to another`,
        exitCode: EXIT_CONFIG,
      };
    case 'EADDRNOTAVAIL':
      return {
        line: `HOST=${HOST} is not an address of this machine: set HOST to one of its addresses, such as 127.0.0.1, or 0.0.0.0 for all`,
        exitCode: EXIT_CONFIG,
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        line: `HOST=${HOST} does not resolve to an address: set HOST to an address, such as 127.0.0.1, or 0.0.0.0 for all`,
        exitCode: EXIT_CONFIG,
      };
    default:
      return null;
  }
}
