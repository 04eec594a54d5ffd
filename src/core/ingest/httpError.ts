import type * as http from 'node:http';

/**
 * A request the endpoint refuses, with its HTTP status and a code from MLflow's error
 * vocabulary (MLflow clients read `error_code`; native clients read `error.code`).
 */
export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string) => new HttpError(400, 'INVALID_PARAMETER_VALUE', message);
export const notFound = (message: string) => new HttpError(404, 'RESOURCE_DOES_NOT_EXIST', message);

/** Which error body shape a route family speaks. */
export type ApiFamily = 'native' | 'mlflow';

export function familyOf(pathname: string): ApiFamily {
  return pathname.startsWith('/api/2.0/') ? 'mlflow' : 'native';
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: http.ServerResponse, family: ApiFamily, err: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = family === 'mlflow'
    ? { error_code: err.code, message: err.message }
    : { error: { code: err.code, message: err.message } };
  sendJson(res, err.status, body);
}
