/**
 * The terminal's command table (cli/command-table.ts) says what `pisonet --help` and `pisonet GROUP` show
 * without loading the commands; here it is held to the commands' own modules: every command there, the same
 * name, summary and first line of usage, and no command of a module left out.
 */
import { COMMAND_MODULES, COMMANDS } from '../../cli/command-table';
import type { CommandDef } from '../../cli/commands/shared';

test("each row of the table loads its command, with the command's own summary and usage", () => {
  for (const entry of COMMANDS) {
    const def = entry.load();
    expect({ name: def.name, summary: def.summary, usageLine: def.usage.split('\n')[0] }).toEqual({
      name: entry.name,
      summary: entry.summary,
      usageLine: entry.usageLine,
    });
  }
});

test('every command the modules define is in the table, once', () => {
  const defined: CommandDef[] = [];
  for (const load of COMMAND_MODULES) defined.push(...load());
  const names = COMMANDS.map((c) => c.name);
  expect(new Set(names).size).toBe(names.length);
  expect(defined.map((c) => c.name).sort()).toEqual([...names].sort());
});

test("each command's first line of usage is its own: it names the command", () => {
  const others = COMMANDS.filter((c) => !c.usageLine.includes(`pisonet ${c.name}`));
  expect(others.map((c) => `${c.name}: ${c.usageLine}`)).toEqual([]);
});
