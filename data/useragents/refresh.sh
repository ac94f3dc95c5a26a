#!/usr/bin/env bash
# Re-fetches the vendored user-agent lists from the npm registry and regenerates the
# files in this folder. Needs node and npm, nothing else.
#
#   data/useragents/refresh.sh                     # newest release of each pinned major
#   ISBOT=isbot@5.2.3 data/useragents/refresh.sh   # or any npm spec per source
#
# preview-extra.json is hand-maintained and left alone. After a refresh, run the crate's
# tests: they compile every pattern and check the preview/bot/human verdicts.
set -euo pipefail

ISBOT="${ISBOT:-isbot@5}"
CRAWLERS="${CRAWLERS:-crawler-user-agents@1}"
UAP="${UAP:-uap-core@0}"
# Only used to read regexes.yaml; not vendored.
JSYAML="${JSYAML:-js-yaml@4}"

# Entries of crawler-user-agents' social-preview tag that are in-app browsers of real
# people, not fetchers.
PREVIEW_DROP='["Viber","MetaIAB Facebook"]'

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() { # npm spec, target dir
  mkdir -p "$work/$2"
  local tgz
  tgz="$(cd "$work" && npm pack --silent "$1" | tail -n 1)"
  tar -xzf "$work/$tgz" -C "$work/$2" --strip-components=1
}
fetch "$ISBOT" isbot
fetch "$CRAWLERS" crawlers
fetch "$UAP" uap
fetch "$JSYAML" js-yaml

cd "$work"
HERE="$here" PREVIEW_DROP="$PREVIEW_DROP" node - <<'JS'
const fs = require("fs");
const path = require("path");
const out = (name) => path.join(process.env.HERE, name);
// One entry per line: small diffs on refresh, still plain JSON.
const lines = (arr) => "[\n" + arr.map((x) => "  " + JSON.stringify(x)).join(",\n") + "\n]\n";
const version = (dir) => require(`./${dir}/package.json`).version;

// (a) isbot: the pattern list its own matcher joins into one regex.
const isbot = require("./isbot");
if (!Array.isArray(isbot.list) || isbot.list.length < 100) throw new Error("isbot: no pattern list");
fs.writeFileSync(out("bots.json"), lines(isbot.list));

// (b) crawler-user-agents: social-preview entries, pattern + sample user agents (the
// samples feed the tests).
const drop = new Set(JSON.parse(process.env.PREVIEW_DROP));
const crawlers = JSON.parse(fs.readFileSync("crawlers/crawler-user-agents.json", "utf8"));
const preview = crawlers
  .filter((e) => (e.tags || []).includes("social-preview") && !drop.has(e.pattern))
  .map((e) => ({ pattern: e.pattern, instances: e.instances || [] }));
if (preview.length < 50) throw new Error(`crawler-user-agents: only ${preview.length} preview entries`);
fs.writeFileSync(out("preview.json"), lines(preview));

// (c) uap-core: browser and OS rules only (the device rules are not used), as JSON.
const yaml = require("./js-yaml");
const uap = yaml.load(fs.readFileSync("uap/regexes.yaml", "utf8"));
const strings = (rules) => rules.map((r) => {
  for (const [k, v] of Object.entries(r)) {
    if (typeof v !== "string") r[k] = String(v); // keep every field a string for serde
  }
  return r;
});
const regexes = {
  user_agent_parsers: strings(uap.user_agent_parsers),
  os_parsers: strings(uap.os_parsers),
};
fs.writeFileSync(out("regexes.json"),
  "{\n" + Object.entries(regexes)
    .map(([k, v]) => JSON.stringify(k) + ": " + lines(v).trimEnd())
    .join(",\n") + "\n}\n");

fs.copyFileSync("isbot/LICENSE", out("LICENSE.isbot"));
fs.copyFileSync("crawlers/LICENSE", out("LICENSE.crawler-user-agents"));
fs.copyFileSync("uap/LICENSE", out("LICENSE.uap-core"));

fs.writeFileSync(out("VERSIONS"), [
  "# npm packages the files in this folder were generated from (refresh.sh).",
  `isbot ${version("isbot")} Unlicense -> bots.json (${isbot.list.length} patterns)`,
  `crawler-user-agents ${version("crawlers")} MIT -> preview.json (${preview.length} social-preview entries; dropped: ${[...drop].join(", ")})`,
  `uap-core ${version("uap")} Apache-2.0 -> regexes.json (${regexes.user_agent_parsers.length} user-agent rules, ${regexes.os_parsers.length} OS rules; device rules dropped)`,
  `# regexes.yaml read with js-yaml ${version("js-yaml")} (not vendored)`,
  "",
].join("\n"));
console.log(fs.readFileSync(out("VERSIONS"), "utf8"));
JS
