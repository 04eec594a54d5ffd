// One workspace folder: its store, its endpoint, the variables its terminals get, and the
// runs model its views read. Loaded lazily: this module pulls in better-sqlite3 and the endpoint.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startEndpoint, type Endpoint } from '../core/ingest/endpoint';
import { RunsModel, type ModelUpdate } from '../core/live/runsModel';
import { observeStore, watchExternalWrites, type StoreChange } from '../core/live/storeChanges';
import { DB_FILE_NAME, STORE_DIR_NAME } from '../core/store/openDatabase';
import { Store } from '../core/store/store';
import { Disposable, toDisposable } from './util/dispose';

/** Store writes arrive per logged batch; the views take them at most this often. */
const VIEW_UPDATE_MS = 50;

export interface FolderSessionOptions {
  folder: vscode.WorkspaceFolder;
  log: vscode.LogOutputChannel;
  /** Restricted workspaces read stored runs; they start no endpoint and run nothing. */
  trusted: boolean;
  variables: vscode.EnvironmentVariableCollection;
  /** Workspace state: remembers the endpoint's port, reused after a restart so open terminals keep working. */
  state?: vscode.Memento;
  /** The bundled Python client (`<extension>/python`): on terminals' PYTHONPATH, with the hook that marks each program's output. */
  clientDir?: string;
  onDidUpdate: (session: FolderSession, update: ModelUpdate) => void;
}

export class FolderSession extends Disposable {
  readonly model: RunsModel;
  private endpoint: Endpoint | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly changeListeners = new Set<(change: StoreChange) => void>();

  private constructor(
    readonly folder: vscode.WorkspaceFolder,
    /** Every write in this window goes through this object, so the views hear of it. */
    readonly store: Store,
    private readonly options: FolderSessionOptions,
  ) {
    super();
    this.model = new RunsModel(store);
  }

  /** Opens the folder's store (created when trusted), or returns undefined for an untrusted folder without one. */
  static async open(options: FolderSessionOptions): Promise<FolderSession | undefined> {
    const root = options.folder.uri.fsPath;
    const storeDir = path.join(root, STORE_DIR_NAME);
    if (!options.trusted && !fs.existsSync(path.join(storeDir, DB_FILE_NAME))) return undefined;
    let session: FolderSession | undefined = undefined;
    const raw = Store.open({ cwd: root, storeDir, create: options.trusted });
    const store = observeStore(raw, (change) => session?.noteChange(change));
    session = new FolderSession(options.folder, store, options);
    session._register(toDisposable(() => raw.close()));
    const external = watchExternalWrites(raw, () => session?.noteChange({ kind: 'external' }));
    session._register(toDisposable(() => external.close()));
    session.noteChange({ kind: 'external' });
    if (options.trusted) await session.startEndpoint();
    return session;
  }

  get storeDir(): string {
    return this.store.dir;
  }

  get endpointUrl(): string | undefined {
    return this.endpoint?.url;
  }

  /** Called for every write (own or external); observers such as run details panels. */
  onDidChange(listener: (change: StoreChange) => void): vscode.Disposable {
    this.changeListeners.add(listener);
    return toDisposable(() => this.changeListeners.delete(listener));
  }

  private noteChange(change: StoreChange): void {
    if (this.isDisposed) return;
    this.model.note(change);
    for (const l of this.changeListeners) l(change);
    this.timer ??= setTimeout(() => this.flush(), VIEW_UPDATE_MS);
  }

  private flush(): void {
    this.timer = undefined;
    if (this.isDisposed || !this.model.pending) return;
    try {
      this.options.onDidUpdate(this, this.model.apply());
    } catch (err) {
      this.options.log.error(`${this.folder.name}: could not read runs: ${(err as Error).message}`);
    }
  }

  private async startEndpoint(): Promise<void> {
    const { log, folder, variables, state } = this.options;
    const portKey = `mlwb.endpointPort:${this.store.dir}`;
    const endpoint = await startEndpoint(this.store, {
      preferredPort: state?.get<number>(portKey),
      writeEndpointFile: true,
      log: (msg) => log.info(`${folder.name}: endpoint: ${msg}`),
    });
    this.endpoint = endpoint;
    void state?.update(portKey, endpoint.port);
    this._register(toDisposable(() => void endpoint.close()));
    // Terminals opened from now on carry these; the token changes per start, so never persist them.
    variables.persistent = false;
    variables.description = 'ML Workbench: scripts in this terminal log runs into the workspace store';
    variables.replace('MLWB_ENDPOINT', endpoint.url);
    variables.replace('MLWB_TOKEN', endpoint.token);
    variables.replace('MLWB_STORE', this.store.dir);
    variables.replace('MLFLOW_TRACKING_URI', endpoint.url);
    variables.replace('MLFLOW_TRACKING_TOKEN', endpoint.token);
    if (this.options.clientDir) {
      // `import mlwb` with no install, and python/sitecustomize.py's marks that split `python a.py && python b.py`.
      variables.replace('PYTHONPATH', [this.options.clientDir, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter));
      variables.replace('MLWB_TERMINAL_MARKS', '1');
    }
    this._register(toDisposable(() => variables.clear()));
    log.info(`${folder.name}: store ${this.store.dir}, endpoint ${endpoint.url}`);
  }

  override dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.changeListeners.clear();
    super.dispose();
  }
}
