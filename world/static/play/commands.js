// MUD-style typed commands → the API action to take. Pure: no DOM, no network (tested in the browser).
//   parseCommand("go tavern door", room) → { do: "move", exit: "tavern door" }

const VERBS = {
  look: "look", l: "look", examine: "look", x: "look",
  go: "move", move: "move", walk: "move", enter: "move",
  say: "say", tell: "tell", whisper: "whisper", emote: "emote", gesture: "emote",
  take: "take", get: "take", drop: "drop", give: "give",
  inv: "inventory", i: "inventory", inventory: "inventory",
  sheet: "sheet", score: "sheet", me: "sheet",
  interact: "interact", use: "interact", choose: "choose", cancel: "cancel",
  help: "help", "?": "help",
};

const COMPASS = {
  n: "north", s: "south", e: "east", w: "west", ne: "northeast", nw: "northwest", se: "southeast", sw: "southwest",
  u: "up", d: "down",
};
const STAIRS = { up: "stairs_up", down: "stairs_down" };

export const HELP = [
  "look · look <thing or someone> · l",
  "go <exit> · <exit name> · n/s/e/w/u/d · initials (td = tavern door)",
  "say <text> · '<text> · tell <name> <text> · whisper <name> <text>",
  "emote <verb> [to <name>] · :<verb>",
  "take <item> · drop <item> · give <item> to <name> · inv · sheet",
  "interact <thing>, then the number (or cancel) · help",
  "Up/Down arrows: command history",
];

const fold = (text) => text.trim().toLowerCase();
const initials = (name) => name.split(/\s+/).map((word) => word[0] || "").join("").toLowerCase();

// The one exit a word names: exact name, compass/stairs alias, initials, or a unique prefix of the name or a word.
export function resolveExit(word, exits) {
  const wanted = fold(word);
  if (!wanted) return null;
  const exact = exits.find((e) => fold(e.name) === wanted);
  if (exact) return exact;
  const direction = COMPASS[wanted] || wanted;
  const unique = (found) => (found.length === 1 ? found[0] : null);
  return (
    unique(exits.filter((e) => STAIRS[direction] && e.kind === STAIRS[direction])) ||
    unique(exits.filter((e) => fold(e.name).split(/\s+/).includes(direction) && direction !== wanted)) ||
    unique(exits.filter((e) => wanted.length > 1 && initials(e.name) === wanted)) ||
    unique(exits.filter((e) => fold(e.name).startsWith(wanted))) ||
    unique(exits.filter((e) => fold(e.name).split(/\s+/).some((part) => part.startsWith(wanted))))
  );
}

// The short alias shown on an exit's button, if it resolves back to that exit.
export function exitAlias(exit, exits) {
  const alias = initials(exit.name);
  return alias.length > 1 && resolveExit(alias, exits) === exit ? alias : "";
}

// "Old Tom hello" → ["Old Tom", "hello"] when Old Tom is here; else the first word is the name.
function splitTarget(rest, names) {
  const lowered = rest.toLowerCase();
  const known = [...names]
    .sort((a, b) => b.length - a.length)
    .find((name) => lowered.startsWith(name.toLowerCase() + " ") || lowered === name.toLowerCase());
  const [target, text] = known
    ? [rest.slice(0, known.length), rest.slice(known.length)]
    : [rest.split(/\s+/, 1)[0], rest.slice(rest.split(/\s+/, 1)[0].length)];
  return [target.replace(/[,:]$/, ""), text.replace(/^\s*[,:]?\s*/, "")];
}

function splitLast(rest, separator) {
  const at = rest.toLowerCase().lastIndexOf(separator);
  return at < 0 ? [rest, ""] : [rest.slice(0, at).trim(), rest.slice(at + separator.length).trim()];
}

const needs = (what, usage) => (what ? null : { error: `Usage: ${usage}` });

export function parseCommand(line, { exits = [], names = [], menuOpen = false } = {}) {
  const input = line.trim();
  if (!input) return null;
  if (input[0] === "'" || input[0] === '"') return needs(input.slice(1).trim(), "'<text>") || { do: "say", text: input.slice(1).trim() };
  if (input[0] === ":") return parseCommand(`emote ${input.slice(1)}`, { exits, names, menuOpen });
  if (/^\d+$/.test(input)) {
    return menuOpen ? { do: "choose", choice: Number(input) } : { error: "No menu is open: interact <thing> first." };
  }
  const [word] = input.split(/\s+/, 1);
  const rest = input.slice(word.length).trim();
  const verb = VERBS[word.toLowerCase()];
  switch (verb) {
    case "look": {
      const target = rest.replace(/^at\s+/i, "");
      return target ? { do: "lookAt", target } : { do: "look" };
    }
    case "move": {
      if (!rest) return { error: "Usage: go <exit>" };
      const exit = resolveExit(rest, exits);
      return { do: "move", exit: exit ? exit.name : rest };
    }
    case "say":
      return needs(rest, "say <text>") || { do: "say", text: rest };
    case "tell":
    case "whisper": {
      const [target, text] = splitTarget(rest, names);
      return needs(target && text, `${verb} <name> <text>`) || { do: verb, target, text };
    }
    case "emote": {
      const [verbText, target] = splitLast(rest, " to ");
      return needs(verbText, "emote <verb> [to <name>]") || { do: "emote", verb: verbText, target: target || null };
    }
    case "take":
    case "drop":
    case "interact":
      return needs(rest, `${word} <thing>`) || { do: verb, [verb === "interact" ? "object" : "item"]: rest };
    case "give": {
      const [item, target] = splitLast(rest, " to ");
      return needs(item && target, "give <item> to <name>") || { do: "give", item, target };
    }
    case "choose":
      return needs(rest, "choose <number or label>") || { do: "choose", choice: /^\d+$/.test(rest) ? Number(rest) : rest };
    case "inventory":
    case "sheet":
    case "cancel":
    case "help":
      return { do: verb };
    default: {
      const exit = resolveExit(input, exits);
      if (exit) return { do: "move", exit: exit.name };
      return { error: `Unknown command "${word}". Type help for the list.` };
    }
  }
}
