/**
 * The line of a sparkline as an SVG path: values left to right across `width`, scaled so the highest
 * touches the top (a flat zero line sits at the bottom); null is a gap, as in the lag chart.
 */
export function sparklinePath(values: (number | null)[], width: number, height: number): string {
  const highest = Math.max(0, ...values.filter((v): v is number => v !== null));
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const y = (v: number) => (highest === 0 ? height : height - (v / highest) * height);
  let path = "";
  let drawing = false;
  values.forEach((v, i) => {
    if (v === null) {
      drawing = false;
      return;
    }
    path += `${drawing ? "L" : "M"}${round(i * step)} ${round(y(v))}`;
    drawing = true;
  });
  return path;
}

const round = (n: number) => Math.round(n * 10) / 10;
