// Regenerates common-passwords.txt beside this file from an unpacked @zxcvbn-ts/language-common package:
//   npm pack @zxcvbn-ts/language-common@4.1.3 && tar xzf zxcvbn-ts-language-common-4.1.3.tgz
//   node src/Modules/Identity/Passwords/derive-common-passwords.mjs package/src/passwords.json
import { readFileSync, writeFileSync } from "node:fs";

const source = process.argv[2] ?? "package/src/passwords.json";
const target = new URL("./common-passwords.txt", import.meta.url);
const header = readFileSync(target, "utf8").split("\n").filter((line) => line.startsWith("#"));
const seen = new Set();
const kept = [];
for (const password of JSON.parse(readFileSync(source, "utf8"))) {
  const lower = password.toLowerCase();
  if (lower.length > 0 && !seen.has(lower)) {
    seen.add(lower);
    kept.push(lower);
  }
}
writeFileSync(target, [...header, ...kept].join("\n") + "\n");
console.log(`${kept.length} passwords`);
