/**
 * Imported first by ferry.ts, before anything loads cli-table3: its colour library decides once, when it is
 * loaded, whether to colour, and colours even into a pipe or file. Off a terminal the output is for tools
 * and files, so colour is turned off there (FORCE_COLOR=0 is what that library reads), unless the person
 * running Ferry set FORCE_COLOR themselves.
 */
if (!process.stdout.isTTY && process.env.FORCE_COLOR === undefined) process.env.FORCE_COLOR = '0';

export {};
