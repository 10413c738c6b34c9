/** What the Lighthouse check requires, and how its results are reported (test-results/lighthouse/scores.md; docs/lighthouse-scores.md when recorded). */

export const CATEGORIES = ["performance", "accessibility", "best-practices"] as const;
export type Category = (typeof CATEGORIES)[number];

/** The lowest score (0–100) each category may have on every screen. */
export const THRESHOLDS: Record<Category, number> = { performance: 90, accessibility: 95, "best-practices": 95 };

/** An audit that cost its category points, with what Lighthouse measured. */
export interface CostlyAudit {
  category: Category;
  id: string;
  title: string;
  score: number;
  displayValue?: string;
}

export interface PageScores {
  screen: string;
  path: string;
  scores: Record<Category, number>;
  costly: CostlyAudit[];
  lighthouse: string;
}

/** The parts of a Lighthouse result read here. */
interface Lhr {
  categories: Record<string, { score: number | null; auditRefs: { id: string; weight: number }[] } | undefined>;
  audits: Record<string, { title: string; score: number | null; displayValue?: string }>;
}

/** Weighted audits scoring under 0.9, the ones to look at when a category misses its threshold. */
export function costlyAudits(lhr: Lhr): CostlyAudit[] {
  return CATEGORIES.flatMap((category) =>
    (lhr.categories[category]?.auditRefs ?? [])
      .filter((ref) => ref.weight > 0)
      .map((ref) => ({ ref, audit: lhr.audits[ref.id] }))
      .filter(({ audit }) => audit && audit.score !== null && audit.score < 0.9)
      .sort((a, b) => b.ref.weight * (1 - (b.audit.score ?? 0)) - a.ref.weight * (1 - (a.audit.score ?? 0)))
      .map(({ ref, audit }) => ({
        category,
        id: ref.id,
        title: audit.title,
        score: audit.score ?? 0,
        ...(audit.displayValue ? { displayValue: audit.displayValue } : {}),
      })),
  );
}

/** One sentence per screen and category below its threshold, naming the audits that cost points. */
export function misses(results: PageScores[]): string[] {
  return results.flatMap((r) =>
    CATEGORIES.filter((c) => r.scores[c] < THRESHOLDS[c]).map((c) => {
      const audits = r.costly
        .filter((a) => a.category === c)
        .map((a) => `${a.id} ${Math.round(a.score * 100)}${a.displayValue ? ` (${a.displayValue})` : ""}`);
      return `${r.path}: ${c} ${r.scores[c]} < ${THRESHOLDS[c]}${audits.length ? `: ${audits.join(", ")}` : ""}`;
    }),
  );
}

export function scoresMarkdown(
  results: PageScores[],
  run: { chromium: string; lighthouse: string; date: string },
): string {
  const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  const mark = (r: PageScores, c: Category) => `${r.scores[c]}${r.scores[c] < THRESHOLDS[c] ? " ✗" : ""}`;
  const lines = [
    "# Lighthouse scores",
    "",
    `Written by tests/e2e/lighthouse.spec.ts on ${run.date}: Lighthouse ${run.lighthouse}, desktop preset, ${run.chromium},`,
    "against the production build on the e2e server. See docs/lighthouse.md.",
    "",
    row(["screen", "path", ...CATEGORIES.map((c) => `${c} (≥ ${THRESHOLDS[c]})`)]),
    row(["---", "---", ...CATEGORIES.map(() => "---:")]),
    ...results.map((r) => row([r.screen, `\`${r.path}\``, ...CATEGORIES.map((c) => mark(r, c))])),
  ];
  const below = misses(results);
  if (below.length > 0)
    lines.push("", "Below the thresholds (the audits that cost points):", "", ...below.map((m) => `- ${m}`));
  const notable = results.flatMap((r) =>
    r.costly
      .filter((a) => r.scores[a.category] >= THRESHOLDS[a.category])
      .map(
        (a) =>
          `- ${r.path}: ${a.category}: ${a.id} ${Math.round(a.score * 100)}${a.displayValue ? ` (${a.displayValue})` : ""}`,
      ),
  );
  if (notable.length > 0) lines.push("", "Audits under 90 on screens that still pass:", "", ...notable);
  return `${lines.join("\n")}\n`;
}
