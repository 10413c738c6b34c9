import { expect, type Locator, type Page } from "@playwright/test";

/** Presses Tab until `target` has the focus: the keyboard route a person would take, in page order. */
export async function tabTo(page: Page, target: Locator, maxPresses = 40) {
  for (let i = 0; i < maxPresses; i++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  await expect(target).toBeFocused(); // fails, naming the element the keyboard never reached
}
