export default { singleQuote: true, printWidth: 100, plugins: ['prettier-plugin-tailwindcss'] };
