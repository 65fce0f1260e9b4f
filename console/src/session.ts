/**
 * The signed-in session: the typed client (holding the token in its closure) and the caller the
 * API says the token is. Kept in the page's memory only: a reload or a new tab asks for the token
 * again, and nothing of it is left in storage, a cookie or the URL.
 */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { apiClient, errorMessage, type Api } from "./api/client";
import type { Caller } from "./api/types";

export interface Session {
  readonly api: Api;
  readonly caller: Caller;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) throw new Error("useSession outside a signed-in page");
  return session;
}

/** Asks the API who the token is; a refused token is an Error with the API's reason. */
export async function signIn(token: string, onUnauthorized: (message: string) => void): Promise<{ api: Api; caller: Caller }> {
  let refused: string | undefined;
  const probe = apiClient(token, (message) => (refused = message));
  const { data, response } = await probe.GET("/me");
  if (data === undefined) throw new Error(refused ?? (await errorMessage(response)));
  return { api: apiClient(token, onUnauthorized), caller: data };
}
