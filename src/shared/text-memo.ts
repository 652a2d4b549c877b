/**
 * A bounded memo of a costly text-to-text function (Markdown rendering): the most recently used
 * results are kept while inputs and outputs together hold at most `maxChars` characters.
 */
export function memoizeText(fn: (input: string) => string, maxChars: number): (input: string) => string {
  const results = new Map<string, string>();
  let held = 0;
  return (input) => {
    const hit = results.get(input);
    if (hit !== undefined) {
      // Most recently used last: eviction takes from the front.
      results.delete(input);
      results.set(input, hit);
      return hit;
    }
    const output = fn(input);
    const size = input.length + output.length;
    if (size > maxChars) return output;
    results.set(input, output);
    held += size;
    for (const [oldInput, oldOutput] of results) {
      if (held <= maxChars) break;
      results.delete(oldInput);
      held -= oldInput.length + oldOutput.length;
    }
    return output;
  };
}
