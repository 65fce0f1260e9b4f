/** A stylesheet imported for its side effect: esbuild bundles it into /console/app.css. */
declare module "*.css";
