import type { StackConfig } from "../../domain";

/**
 * How the Redis ACL provider reaches Redis as its administrator: stack config `frostbyte:redis`,
 * read in its `configure` by providerRuntime/adminSettings.ts.
 */
export type RedisAdminSettings = StackConfig["redis"];
