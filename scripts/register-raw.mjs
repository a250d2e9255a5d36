// Lets Node (the CLI) import WGSL files with Vite's `?raw` suffix, as the browser build does.
import { register } from 'node:module';
register('./raw-loader.mjs', import.meta.url);
