/*
 * The one script a live page loads (<script type="module">): every feature registers its
 * handlers with the socket core on import, each doing nothing where its part of the page is
 * absent, and the core connects once they all have. Without JavaScript, or without module
 * support, the pages work as plain server-rendered pages.
 */
import { start } from "./core.js";
import "./status.js";
import "./session.js";
import "./presence.js";
import "./reading.js";
import "./reactions.js";
import "./documents.js";
import "./thread.js";
import "./threads.js";
import "./activity.js";
import "./meetings.js";
import "./poll.js";
import "./open-polls.js";
import "./questions.js";
import "./committees.js";

start();
