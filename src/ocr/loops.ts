/**
 * Runaway repetition in what the model wrote, found by content: DeepSeek-OCR's loops often end
 * with the end token (`finish_reason: "stop"`), so only the text shows them. Three shapes, as they
 * appear in real output (test/fixtures/deepseek-ocr/loop-*): the same block again and again (a line
 * repeated while its box marches down the page), the same line, table row or cell again and again,
 * a short run of characters repeated in place, and counting loops (a matrix written 150 times with
 * its index counting up). Repetition that pages really have is not a loop: tables of "-", "0" or
 * "✓", list markers, rules and dot leaders are short, varied or not words.
 */
import type { ParsedPage } from "./grounding";

export interface Loop {
  shape: "blocks" | "lines" | "rows" | "cells" | "run" | "counting";
  /** How many times the repeated unit follows itself. */
  repeats: number;
  /** The repeated unit (shortened). */
  unit: string;
}

/** Consecutive identical blocks (not empty) that make a loop. */
const MIN_BLOCK_REPEATS = 8;
/** Consecutive identical lines inside a block. */
const MIN_LINE_REPEATS = 10;
/** Consecutive identical table rows with words in them (real lists never repeat a row ten times). */
const MIN_ROW_REPEATS = 10;
/** A unit of up to MAX_UNIT characters repeated in place at least MIN_RUN_REPEATS times, over MIN_RUN_CHARS. */
const MAX_UNIT = 100;
const MIN_RUN_REPEATS = 20;
const MIN_RUN_CHARS = 240;

/** The same cell (with words in it) across a row: a row of real data varies long before this. */
const MIN_CELL_REPEATS = 20;
/** A counting loop (`a_{30}`, `a_{40}`, ...): the same unit once its numbers are set aside, this often. */
const MIN_COUNTING_REPEATS = 40;
const MIN_COUNTING_CHARS = 400;

export function findLoop(page: ParsedPage): Loop | null {
  if (!page.text) return null;
  const blockLoop = sameBlocks(page);
  if (blockLoop) return blockLoop;
  for (const block of page.blocks) {
    const loop = block.table
      ? (sameRows(block.table.rows.map((row) => row.map((c) => c.text).join("\t"))) ?? sameCells(block.table.rows.map((row) => row.map((c) => c.text))))
      : inText(page.text.slice(block.start, block.end));
    if (loop) return loop;
  }
  return null;
}

function sameBlocks(page: ParsedPage): Loop | null {
  let run = 1;
  for (let i = 1; i < page.blocks.length; i++) {
    const text = page.text.slice(page.blocks[i].start, page.blocks[i].end).trim();
    const previous = page.text.slice(page.blocks[i - 1].start, page.blocks[i - 1].end).trim();
    run = text && text === previous && !page.blocks[i].table ? run + 1 : 1;
    if (run >= MIN_BLOCK_REPEATS) return { shape: "blocks", repeats: run, unit: shorten(text) };
  }
  return null;
}

function sameRows(rows: string[]): Loop | null {
  let run = 1;
  for (let i = 1; i < rows.length; i++) {
    run = rows[i] === rows[i - 1] && /\p{L}{2}/u.test(rows[i]) && rows[i].length >= 8 ? run + 1 : 1;
    if (run >= MIN_ROW_REPEATS) return { shape: "rows", repeats: run, unit: shorten(rows[i]) };
  }
  return null;
}

function sameCells(rows: string[][]): Loop | null {
  for (const cells of rows) {
    let run = 1;
    for (let i = 1; i < cells.length; i++) {
      run = cells[i] === cells[i - 1] && cells[i].length >= 4 && /\p{L}{2}/u.test(cells[i]) ? run + 1 : 1;
      if (run >= MIN_CELL_REPEATS) return { shape: "cells", repeats: run, unit: shorten(cells[i]) };
    }
  }
  return null;
}

function inText(text: string): Loop | null {
  const lines = text.split("\n").map((line) => line.trim());
  let run = 1;
  for (let i = 1; i < lines.length; i++) {
    run = lines[i] && lines[i] === lines[i - 1] && lines[i].length >= 2 ? run + 1 : 1;
    if (run >= MIN_LINE_REPEATS) return { shape: "lines", repeats: run, unit: shorten(lines[i]) };
  }
  return periodicRun(text, MIN_RUN_REPEATS, MIN_RUN_CHARS) ?? counting(text);
}

/** A unit that repeats once every number in it is read as the same number. */
function counting(text: string): Loop | null {
  const loop = periodicRun(text.replace(/\d+(?:[.,]\d+)*/g, "0"), MIN_COUNTING_REPEATS, MIN_COUNTING_CHARS);
  return loop && { ...loop, shape: "counting" };
}

/** The longest stretch where text[i] === text[i + unit], for each unit length: linear in the text per unit. */
function periodicRun(text: string, minRepeats: number, minChars: number): Loop | null {
  for (let unit = 1; unit <= MAX_UNIT && unit * minRepeats <= text.length; unit++) {
    let same = 0;
    for (let i = 0; i + unit <= text.length; i++) {
      const continues = i + unit < text.length && text.charCodeAt(i) === text.charCodeAt(i + unit);
      if (continues) {
        same++;
        continue;
      }
      // The run that just ended: text[i - same, i + unit) repeats with period `unit`.
      const length = same + unit;
      if (length >= minChars && length / unit >= minRepeats) {
        const piece = text.slice(i - same, i - same + unit);
        // A run of one character (a rule, dot leaders, spaces) is layout, not a loop, however long.
        if (new Set(piece).size > 1 || !/^[\s.\-_=*·…]$/.test(piece[0])) return { shape: "run", repeats: Math.floor(length / unit), unit: shorten(piece) };
      }
      same = 0;
    }
  }
  return null;
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
