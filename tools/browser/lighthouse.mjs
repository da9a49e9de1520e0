// Lighthouse over several pages with one browser: node lighthouse.mjs CHROME_PATH URL...
// Prints one JSON object: {url: {category: score, ...failed audits}}. Flags for Chromium come from
// $CHROME_FLAGS (space-separated), as tests/browserkit.py sets them.
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const [chromePath, ...urls] = process.argv.slice(2);
const chrome = await chromeLauncher.launch({
  chromePath,
  chromeFlags: (process.env.CHROME_FLAGS || "--headless").split(" ").filter(Boolean),
});
const results = {};
try {
  for (const url of urls) {
    const { lhr } = await lighthouse(url, {
      port: chrome.port,
      logLevel: "error",
      output: "json",
      onlyCategories: ["accessibility", "best-practices", "seo"],
      maxWaitForLoad: 120000,
    });
    const summary = {};
    for (const [name, category] of Object.entries(lhr.categories)) {
      summary[name] = category.score;
      for (const ref of category.auditRefs) {
        const audit = lhr.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
          summary[`${name}: ${ref.id}`] = `${audit.title} ${audit.displayValue || ""}`.trim();
        }
      }
    }
    if (lhr.runtimeError) summary.error = lhr.runtimeError.message;
    results[url] = summary;
  }
} finally {
  await chrome.kill();
}
process.stdout.write(JSON.stringify(results));
