/** Accessibility checks run in the page: WCAG AA text contrast. */
import type { Page } from "playwright-core";

export interface LowContrastText {
  text: string;
  ratio: number;
  needed: number;
}

/**
 * Every visible, enabled element with its own text whose contrast against its background is
 * below WCAG AA (4.5:1, or 3:1 for large text). Colours are resolved by painting them on a
 * canvas, so any CSS colour syntax (Tailwind's oklch included) is measured as sRGB.
 */
export function lowContrast(page: Page): Promise<LowContrastText[]> {
  return page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const context = canvas.getContext("2d", { willReadFrequently: true })!;
    const rgba = (color: string): [number, number, number, number] => {
      context.clearRect(0, 0, 1, 1);
      context.fillStyle = color;
      context.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = context.getImageData(0, 0, 1, 1).data;
      return [r!, g!, b!, a! / 255];
    };
    const luminance = ([r, g, b]: number[]) =>
      [r!, g!, b!]
        .map((v) => v / 255)
        .map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
        .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i]!, 0);
    const background = (element: Element | null): number[] => {
      for (let node = element; node; node = node.parentElement) {
        const color = rgba(getComputedStyle(node).backgroundColor);
        if (color[3] >= 0.99) return color;
      }
      return [255, 255, 255, 1];
    };
    const found: { text: string; ratio: number; needed: number }[] = [];
    for (const element of document.body.querySelectorAll("*")) {
      const own = [...element.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent ?? "").join("").trim();
      if (!own || element.closest(":disabled, .sr-only, svg")) continue;
      const box = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      if (box.width === 0 || box.height === 0 || style.visibility === "hidden") continue;
      const fg = rgba(style.color);
      const [l1, l2] = [luminance(fg), luminance(background(element))];
      const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const needed = large ? 3 : 4.5;
      if (ratio < needed) found.push({ text: own.slice(0, 40), ratio: Math.round(ratio * 100) / 100, needed });
    }
    return found;
  });
}
