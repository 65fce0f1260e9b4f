import { runtimeModule } from "./runtimeModule";

/**
 * The loader of {@link ./adminSettings}, for a provider's `configure`:
 * `this.settings = stackConfigRuntime().qdrantAdminSettings(req.config)`.
 */
export const stackConfigRuntime = runtimeModule<typeof import("./adminSettings")>(__dirname, "adminSettings");
