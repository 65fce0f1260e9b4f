/** Loading what a page shows: the API's answer or its error message, and a way to load again. */
import { useCallback, useEffect, useState } from "preact/hooks";

/** An openapi-fetch result: the data, or the error body and the response. */
interface ApiResult<T> {
  readonly data?: T;
  readonly error?: unknown;
  readonly response: Response;
}

/** The data of a result, or an Error carrying the API's message. */
export function dataOf<T>(result: ApiResult<T>): T {
  if (result.data !== undefined) return result.data;
  const message = (result.error as { message?: unknown } | undefined)?.message;
  throw new Error(typeof message === "string" ? message : `the portal answered ${result.response.status}`);
}

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  reload(): void;
}

/** Runs `load` on mount, when `key` changes and on `reload()`; a newer load wins over an older one. */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setState({ data }),
      (error: unknown) => current && setState({ error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
    // `load` changes with every render; `key` and `round` say when to load again.
  }, [key, round]);
  const reload = useCallback(() => setRound((value) => value + 1), []);
  return { data: state.data, error: state.error, reload };
}
