/**
 * The demo scripts' environment, read as the server reads it (src/main.ts): the project's `.env` fills what the
 * environment does not set; a variable set in the environment wins.
 */
import dotenv from 'dotenv';
import { projectPath } from '../lib/paths';

export function loadDemoEnv(file: string = projectPath('.env'), env: NodeJS.ProcessEnv = process.env): void {
  dotenv.config({ path: file, quiet: true, processEnv: env as Record<string, string> });
}
