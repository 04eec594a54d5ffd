/** Which environment variables a run may record: allow-listed names, never secrets. */

const ALLOWED_NAMES = [
  /^CUDA_/, /^NVIDIA_/, /^CUBLAS_/, /^CUDNN_/, /^NCCL_/, /^TORCH_/, /^PYTORCH_/, /^TF_/, /^XLA_/, /^JAX_/,
  /^HF_/, /^TRANSFORMERS_/, /^KERAS_BACKEND$/, /^OMP_NUM_THREADS$/, /^MKL_NUM_THREADS$/, /^OPENBLAS_NUM_THREADS$/,
  /^NUMEXPR_NUM_THREADS$/, /^PYTHONHASHSEED$/, /^PYTHONPATH$/, /^PYTHONOPTIMIZE$/, /^VIRTUAL_ENV$/, /^CONDA_DEFAULT_ENV$/,
  /^CONDA_PREFIX$/, /^WORLD_SIZE$/, /^RANK$/, /^LOCAL_RANK$/, /^SLURM_JOB_ID$/, /^SLURM_ARRAY_TASK_ID$/,
];

const SECRET_NAME = /TOKEN|SECRET|PASSW|PASSPHRASE|API_?KEY|ACCESS_?KEY|PRIVATE|CREDENTIAL|AUTH|COOKIE|SESSION/i;

/** Tokens that are secrets wherever they appear: known key prefixes and JWTs (unanchored sources). */
export const SECRET_TOKENS = [
  /(?:ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{10,}/, /hf_[A-Za-z0-9]{10,}/, /sk-[A-Za-z0-9_-]{10,}/,
  /xox[abprs]-[A-Za-z0-9-]+/, /AKIA[0-9A-Z]{12,}/, /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/,
];
/** `scheme://user:password@host`: the password part is group 2. */
export const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)([^/\s@]+)(@)/gi;

/** Values that are secrets whatever their name: known token prefixes, URLs with passwords, JWTs. */
const SECRET_VALUE = [...SECRET_TOKENS.map((re) => new RegExp(`^${re.source}`)), /:\/\/[^/\s:@]+:[^/\s@]+@/];

export function looksLikeSecretValue(value: string): boolean {
  if (SECRET_VALUE.some((re) => re.test(value))) return true;
  // A long unbroken run of base64 with digits and both cases reads as a key, not a setting.
  return /^[A-Za-z0-9+/=_-]{32,}$/.test(value) && /[0-9]/.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value);
}

/** The allow-listed variables of `env`, with secret-looking names and values dropped. */
export function selectEnvVars(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value === undefined || !ALLOWED_NAMES.some((re) => re.test(name))) continue;
    if (SECRET_NAME.test(name) || looksLikeSecretValue(value)) continue;
    out[name] = value;
  }
  return out;
}
