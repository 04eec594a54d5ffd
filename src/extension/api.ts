// What the extension returns from activate(): for tests (the in-host suite) and other extensions.

export interface MlwbApi {
  /** Milliseconds activate() took, as measured inside it. */
  readonly activationMs: number;
  /** Resolves when every folder's store is open and, in a trusted workspace, its endpoint is up. */
  ready(): Promise<void>;
  /** Store folder, endpoint URL and run ids per workspace folder. */
  folders(): { folder: string; storeDir: string; endpointUrl: string | undefined; runIds: string[] }[];
  /** The Python that Run & Track would use, and where the choice came from (see python/interpreter.ts). */
  resolvePython(): Promise<{ path: string; source: string } | undefined>;
}
