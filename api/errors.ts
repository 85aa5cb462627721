/** Errors the API answers with a JSON body `{ error, parameter? }` and never a stack. */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly parameter?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A bad request naming the parameter at fault. */
export function badParameter(parameter: string, message: string): ApiError {
  return new ApiError(400, `${parameter}: ${message}`, parameter);
}

export interface ErrorBody {
  error: string;
  parameter?: string;
}
