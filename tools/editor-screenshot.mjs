// Writes docs/editor.png (light) and docs/editor-dark.png (dark): the flow editor of the
// release collector (target/release/cancel-flow-collector) with the widget's dist/ beside
// it (--widget-dir), on a temporary SQLite, opened on a new flow from the meal-box template,
// signed in through the form in headless Chromium at 1440 px wide: the first fields, the
// preview for an annual customer (the template's rule applied) and the theme panel with
// a contrast warning. The top of the page, as a person first sees it.
//   node tools/editor-screenshot.mjs
import path from "node:path";
import { fileURLToPath } from "node:url";
import { signIn, startCollector } from "./insights-screenshot.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

async function main() {
  const { launch } = await import("../tests/e2e/harness.mjs");
  const key = "screenshot-admin-key";
  const c = await startCollector(["--allow-unsigned", "--admin-key", key, "--widget-dir", path.join(root, "dist")]);
  try {
    const browser = await launch();
    for (const [scheme, file] of [["light", "editor.png"], ["dark", "editor-dark.png"]]) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 1100 }, colorScheme: scheme });
      await signIn(page, c.base, key);
      await page.goto(`${c.base}/flows/meal-box-2027?template=meal-box`);
      await page.locator("#preview-stage cancel-flow [part~='reason']").first().waitFor();
      await page.locator("#pv-customer > summary").click();
      await page.locator("#pv-attrs").fill("plan = annual\ntenure_days = 400");
      await page.getByText("Rules that apply: annual plans keep their price.").waitFor();
      await page.locator("#preview-stage cancel-flow [part~='reason']").first().waitFor();
      await page.evaluate(() => { document.activeElement.blur(); document.querySelector(".editor-preview").scrollTop = 0; });
      await page.screenshot({ path: path.join(root, "docs", file) });
      console.log(`wrote docs/${file}`);
      await page.close();
    }
    await browser.close();
  } finally {
    c.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
