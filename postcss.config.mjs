// Tailwind CSS v4 runs as a PostCSS plugin in Next's CSS pipeline; the design tokens are in src/styles/globals.css.
export default { plugins: { "@tailwindcss/postcss": {} } };
