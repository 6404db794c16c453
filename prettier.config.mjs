const config = { singleQuote: true, printWidth: 100, plugins: ['prettier-plugin-tailwindcss'] };
export default config;
