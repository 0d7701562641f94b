// The play page: log in, pick a world, join, then one screen of room, feed and command line.
// Server text is only ever set as textContent, never parsed as HTML.

import { ApiError, get, post } from "./api.js";
import { HELP, exitAlias, parseCommand } from "./commands.js";
import { LiveFeed } from "./feed.js";

const FEED_LIMIT = 500; // lines kept in the page; older ones scroll away
const $ = (id) => document.getElementById(id);
const state = {
  account: JSON.parse($("account").textContent),
  world: null,
  room: null,
  menu: null,
  feed: null,
  history: [],
  historyAt: 0,
};

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

function button(label, onClick, attributes = {}) {
  const node = element("button", label, { type: "button", ...attributes });
  node.addEventListener("click", onClick);
  return node;
}

function show(screen) {
  for (const node of document.querySelectorAll(".screen")) node.hidden = node.id !== `screen-${screen}`;
  $("logout").hidden = !state.account;
  $("switch-world").hidden = !state.account || screen === "worlds" || screen === "login";
  $("who").textContent = state.account ? state.account.username : "";
  const focus = { login: "#login-form input", join: "#join-form input", play: "#command" }[screen];
  if (focus) document.querySelector(focus).focus();
}

function showError(error) {
  const box = $("error");
  box.textContent = error ? error.message : "";
  box.hidden = !error;
}

async function guarded(action) {
  showError(null);
  try {
    await action();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 401) return signedOut();
    if ($("screen-play").hidden) showError(error);
    else say(error.message, "error");
  }
}

// -- the feed ---------------------------------------------------------------------------------------------

function say(text, kind = "local", id = null) {
  const list = $("feed");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const line = element("li", text, { class: `line ${kind}` });
  if (id !== null) line.dataset.id = id;
  list.append(line);
  while (list.children.length > FEED_LIMIT) list.firstElementChild.remove();
  if (atBottom) list.scrollTop = list.scrollHeight; // do not yank a reader who scrolled back
}

const QUIET_KINDS = new Set(["say", "tell", "whisper", "gesture", "npc_reply"]);
let lookSoon = null;

function onEvent(event) {
  say(event.text, `event ${event.kind}`, event.id);
  if (!QUIET_KINDS.has(event.kind)) {
    // arrivals, departures, takes and drops change what the room panel shows
    clearTimeout(lookSoon);
    lookSoon = setTimeout(() => guarded(refreshRoom), 100);
  }
}

function startFeed(lastId) {
  state.feed?.stop();
  state.feed = new LiveFeed(`/api/worlds/${state.world.slug}/play/stream`, {
    onEvent,
    onStatus: (status) => {
      $("status").textContent = status;
      $("status").dataset.state = status;
    },
    onResumed: () => guarded(refreshRoom),
    onEnd: signedOut,
  });
  state.feed.start(lastId);
}

// -- the room ---------------------------------------------------------------------------------------------

function renderRoom(view) {
  state.room = view;
  $("room-name").textContent = view.room.name;
  $("room-time").textContent = view.time ? view.time.text : "";
  $("room-description").textContent = view.room.description;
  const exits = view.exits.map((exit) => {
    const alias = exitAlias(exit, view.exits);
    const label = `${exit.name}${exit.locked ? " (locked)" : ""}${alias ? ` [${alias}]` : ""}`;
    return button(label, () => run(`go ${exit.name}`), { title: `to ${exit.destination}`, "data-exit": exit.name });
  });
  $("exits").replaceChildren(...(exits.length ? exits : [element("span", "none")]));
  $("people").replaceChildren(
    ...view.characters.map((who) => {
      const row = element("li", who.name + (who.is_npc ? " (NPC)" : ""));
      row.append(button("look", () => run(`look ${who.name}`), { "aria-label": `look at ${who.name}` }));
      row.append(button("tell…", () => prefill(`tell ${who.name} `), { "aria-label": `tell ${who.name}` }));
      return row;
    }),
  );
  $("items").replaceChildren(
    ...view.items.map((item) => {
      const row = element("li", item.name);
      row.append(button("look", () => run(`look ${item.name}`), { "aria-label": `look at ${item.name}` }));
      if (item.carry !== "fixed") {
        row.append(button("take", () => run(`take ${item.name}`), { "aria-label": `take ${item.name}` }));
      }
      row.append(button("interact", () => run(`interact ${item.name}`), { "aria-label": `interact with ${item.name}` }));
      return row;
    }),
  );
}

async function refreshRoom() {
  renderRoom(await get(`/worlds/${state.world.slug}/play/look`));
}

function renderMenu(title, actions) {
  state.menu = actions.length ? actions : null;
  $("menu").hidden = !state.menu;
  $("menu-title").textContent = title;
  $("menu-actions").replaceChildren(
    ...actions.map((action) =>
      button(`${action.number}. ${action.label}`, () => run(String(action.number)), { "data-choice": action.number }),
    ),
  );
}

function showPanel(title, lines) {
  $("panel").hidden = false;
  $("panel-title").textContent = title;
  $("panel-body").replaceChildren(...lines.map((text) => element("p", text)));
}

function sheetLines(sheet) {
  const needs = Object.entries(sheet.needs).map(([need, value]) => `${need} ${Math.round(value)}`);
  const carried = sheet.inventory.filter((slot) => slot.item).map((slot) => `${slot.label}: ${slot.item.name}`);
  return [sheet.description || "(no description)", `Needs: ${needs.join(", ")}`, `Coins: ${sheet.currency}`,
    `Carrying: ${carried.join(", ") || "nothing"}`, sheet.time.text];
}

// -- commands ---------------------------------------------------------------------------------------------

const play = (path) => `/worlds/${state.world.slug}/play${path}`;

const ACTIONS = {
  look: async () => {
    const view = await get(play("/look"));
    renderRoom(view);
    say(view.message);
  },
  lookAt: async ({ target }) => say((await get(play(`/look/${encodeURIComponent(target)}`))).message),
  move: async ({ exit }) => {
    const view = await post(play("/move"), { exit });
    renderMenu("", []);
    renderRoom(view); // the move itself arrives on the feed
  },
  say: ({ text }) => post(play("/say"), { text }),
  tell: ({ target, text }) => post(play("/tell"), { target, text }),
  whisper: ({ target, text }) => post(play("/whisper"), { target, text }),
  emote: ({ verb, target }) => post(play("/gesture"), { verb, target }),
  take: ({ item }) => post(play("/take"), { item }),
  drop: ({ item }) => post(play("/drop"), { item }),
  give: ({ item, target }) => post(play("/give"), { item, target }),
  inventory: async () => {
    const inventory = await get(play("/inventory"));
    showPanel("Inventory", inventory.message.split("\n"));
  },
  sheet: async () => {
    const sheet = await get(play("/me"));
    showPanel(sheet.name, sheetLines(sheet));
  },
  interact: async ({ object }) => {
    const menu = await post(play("/interact"), { object });
    renderMenu(menu.object, menu.actions);
    say(menu.message);
  },
  choose: async ({ choice }) => {
    const outcome = await post(play("/interact/choose"), { choice });
    renderMenu($("menu-title").textContent, outcome.actions);
    say(outcome.message, "outcome");
  },
  cancel: async () => {
    const outcome = await post(play("/interact/cancel"));
    renderMenu("", []);
    say(outcome.message);
  },
  help: async () => HELP.forEach((line) => say(line)),
};

function run(line) {
  const room = state.room || { exits: [], characters: [] };
  const command = parseCommand(line, {
    exits: room.exits,
    names: room.characters.map((who) => who.name),
    menuOpen: Boolean(state.menu),
  });
  if (!command) return Promise.resolve();
  say(`> ${line}`, "echo");
  if (command.error) return Promise.resolve(say(command.error, "error"));
  return guarded(() => ACTIONS[command.do](command));
}

function prefill(text) {
  const input = $("command");
  input.value = text;
  input.focus();
}

$("command-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("command");
  const line = input.value.trim();
  if (!line) return;
  if (state.history.at(-1) !== line) state.history.push(line);
  state.historyAt = state.history.length;
  input.value = "";
  run(line);
});

$("command").addEventListener("keydown", (event) => {
  if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
  event.preventDefault();
  const step = event.key === "ArrowUp" ? -1 : 1;
  state.historyAt = Math.min(Math.max(state.historyAt + step, 0), state.history.length);
  event.target.value = state.history[state.historyAt] ?? "";
});

for (const quick of document.querySelectorAll("[data-command]")) {
  quick.addEventListener("click", () => run(quick.dataset.command));
}
for (const quick of document.querySelectorAll("[data-prefill]")) {
  quick.addEventListener("click", () => prefill(quick.dataset.prefill));
}

// -- account, world, join -----------------------------------------------------------------------------------

function signedOut() {
  state.feed?.stop();
  state.account = null;
  state.world = null;
  show("login");
}

$("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  const credentials = { username: form.username.value, password: form.password.value };
  const register = event.submitter?.value === "register";
  guarded(async () => {
    if (register) await post("/auth/register", credentials);
    state.account = (await post("/auth/login", credentials)).account;
    form.password.value = "";
    await pickWorld();
  });
});

$("logout").addEventListener("click", () =>
  guarded(async () => {
    await post("/auth/logout");
    signedOut();
  }),
);

$("switch-world").addEventListener("click", () => guarded(pickWorld));

async function pickWorld() {
  state.feed?.stop();
  const worlds = (await get("/worlds")).filter((world) => world.setup_complete);
  $("world-list").replaceChildren(
    ...worlds.map((world) => {
      const row = element("li");
      row.append(button(world.name, () => guarded(() => enterWorld(world)), { "data-world": world.slug }));
      row.append(element("span", ` ${world.description}`));
      return row;
    }),
  );
  if (!worlds.length) $("world-list").replaceChildren(element("li", "No world is open yet."));
  show("worlds");
  $("world-list").querySelector("button")?.focus();
}

async function enterWorld(world) {
  state.world = world;
  const joined = state.account.characters.some((character) => character.world === world.slug);
  if (!joined) {
    $("join-world").textContent = world.name;
    return show("join");
  }
  await startPlaying();
}

$("join-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  guarded(async () => {
    const sheet = await post(play("/join"), { name: form.name.value, description: form.description.value });
    state.account.characters.push({ world: state.world.slug, name: sheet.name });
    await startPlaying();
  });
});

async function startPlaying() {
  $("feed").replaceChildren();
  renderMenu("", []);
  $("panel").hidden = true;
  const recent = await get(play("/events"));
  recent.events.forEach((event) => say(event.text, `event ${event.kind}`, event.id));
  await refreshRoom();
  window.history.replaceState(null, "", `?world=${encodeURIComponent(state.world.slug)}`); // a reload comes back here
  show("play");
  startFeed(recent.last_id || 0);
}

// -- start ----------------------------------------------------------------------------------------------------

if (!state.account) show("login");
else {
  const playing = new URLSearchParams(location.search).get("world");
  guarded(async () => {
    await pickWorld();
    const world = [...document.querySelectorAll("[data-world]")].find((b) => b.dataset.world === playing);
    world?.click();
  });
}
