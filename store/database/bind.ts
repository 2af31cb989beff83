import type { PrismaClient } from '../../generated/prisma/client.js';

/**
 * Binds data functions written as `fn(db, ...args)` to one database, so an aggregate's factory
 * hands out `(...args) => fn(db, ...args)` with each function's own types.
 */
export function bindTo(db: PrismaClient) {
  return <A extends unknown[], R>(fn: (db: PrismaClient, ...args: A) => R) =>
    (...args: A): R =>
      fn(db, ...args);
}
