/**
 * Finds the exact source text of one member of a top-level JSON object, so a payload can be
 * stored byte for byte as the client sent it. Re-serializing after JSON.parse would round
 * large integers (12345678901234567890) and rewrite numbers such as 1.10, which changes what
 * the receiver gets. `text` must already have passed JSON.parse.
 */
function skipWhitespace(text: string, index: number): number {
  while (index < text.length && ' \t\n\r'.includes(text[index]!)) index++;
  return index;
}

function skipString(text: string, index: number): number {
  // `index` is at the opening quote.
  for (let i = index + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}

function skipValue(text: string, index: number): number {
  const first = text[index];
  if (first === '"') return skipString(text, index);
  if (first !== '{' && first !== '[') {
    let i = index;
    while (i < text.length && !',}] \t\n\r'.includes(text[i]!)) i++;
    return i;
  }

  let depth = 0;
  for (let i = index; i < text.length; i++) {
    const char = text[i];
    if (char === '"') i = skipString(text, i) - 1;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}

/** Returns the raw text of `key` in the top-level object, the last one if it repeats. */
export function rawMemberText(text: string, key: string): string | undefined {
  let i = skipWhitespace(text, 0);
  if (text[i] !== '{') return undefined;
  i++;

  let found: string | undefined;
  for (;;) {
    i = skipWhitespace(text, i);
    if (text[i] !== '"') return found;
    const keyEnd = skipString(text, i);
    const name = JSON.parse(text.slice(i, keyEnd)) as string;

    i = skipWhitespace(text, keyEnd);
    if (text[i] !== ':') return found;
    const valueStart = skipWhitespace(text, i + 1);
    const valueEnd = skipValue(text, valueStart);
    if (name === key) found = text.slice(valueStart, valueEnd);

    i = skipWhitespace(text, valueEnd);
    if (text[i] !== ',') return found;
    i++;
  }
}
