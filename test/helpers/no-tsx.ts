/** A `--import` for node that refuses to resolve tsx: a child run with it proves it ran compiled JavaScript. */
export const NO_TSX =
  "data:text/javascript,import{registerHooks}from'node:module';registerHooks({resolve(s,c,n){" +
  "if(s.startsWith('tsx'))throw new Error('tsx loaded');return n(s,c)}})";
