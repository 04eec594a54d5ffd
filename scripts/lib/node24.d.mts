export const MIN_NODE_MAJOR: number;
export const NODE24_VERSION: string;
export const node24Dir: string;
export const node24Bin: string;
export function nodeIsRecentEnough(version?: string): boolean;
export function ensureNode24(): string;
export function withoutNpmConfig(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export function recentNode(): string;
