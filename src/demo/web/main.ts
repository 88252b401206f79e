/** The borrower web app's entry: reads a return from a hosted page, then renders the app. */
import { createElement } from "react";
import { createRoot } from "react-dom/client";
import { App, type ReturnFromHosted } from "./app.js";
import { takeLeftFor } from "./session.js";
import "./styles.css";

// A hosted page sends the borrower back to /return?status=…; note it, then show the app at "/".
const returned: ReturnFromHosted | null =
  window.location.pathname === "/return"
    ? { stepID: takeLeftFor(), status: new URLSearchParams(window.location.search).get("status") }
    : null;
if (returned !== null) window.history.replaceState(null, "", "/");

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root element");
createRoot(root).render(createElement(App, { returned }));
