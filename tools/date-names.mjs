// Writes long-date patterns and month names into www/i18n/<code>.json from Node's full
// ICU, as the fallback for browsers whose Intl lacks a locale (Debian's Chromium has no
// Georgian date data, for example). `node tools/date-names.mjs` (run once per catalog change).
import fs from "node:fs";
import path from "node:path";

const dir = path.resolve("www/i18n");
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json"))) {
  const code = file.replace(".json", "");
  const cat = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
  const fmt = new Intl.DateTimeFormat(code, { dateStyle: "long", timeZone: "UTC" });
  cat["date.long"] = fmt.formatToParts(new Date(Date.UTC(2026, 11, 31)))
    .map((p) => (p.type === "day" ? "{day}" : p.type === "month" ? "{month}" : p.type === "year" ? "{year}" : p.value)).join("");
  for (let m = 1; m <= 12; m++) {
    cat[`date.month.${m}`] = fmt.formatToParts(new Date(Date.UTC(2026, m - 1, 15))).find((p) => p.type === "month").value;
  }
  fs.writeFileSync(path.join(dir, file), JSON.stringify(Object.fromEntries(Object.entries(cat).sort()), null, 1) + "\n");
}
