/** The console's entry point (bundled by console/build/bundle.ts into /console/app.js). */
import { render } from "preact";
import { App } from "./App";
import "./styles.css";

const root = document.getElementById("app");
if (root === null) throw new Error("the console's page has no #app element");
render(<App />, root);
