/**
 * What the local `concerto` command and the app `npm start` runs agree on without asking each other:
 * the address the app listens on by default, and the file of its data folder holding the CLI's token.
 */

/** The interface the HTTP server listens on when HOST is not set. */
export const DEFAULT_HOST = '127.0.0.1';

/** The HTTP port when PORT is not set. */
export const DEFAULT_PORT = 3000;

/** Name of the file, in the data folder, holding the local CLI's API token. */
export const CLI_TOKEN_FILE = 'cli-token';
