/** Minimal typings for dynalite 4 (it ships none): an HTTP server speaking the DynamoDB API, used by tests. */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** Milliseconds a CreateTable takes to become ACTIVE. */
    createTableMs?: number;
    updateTableMs?: number;
    deleteTableMs?: number;
    /** Folder for a persistent store; in memory when absent. */
    path?: string;
  }

  export default function dynalite(options?: DynaliteOptions): Server;
}
