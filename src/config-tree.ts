// The configuration as a plain tree of mappings while its layers are merged (config.ts): one layer
// overlaid on another, a dotted key set or read.

export type Tree = Record<string, unknown>;

export function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge of mappings; lists and scalars are replaced, never concatenated. */
export function overlay(base: Tree, top: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(top)) {
    out[key] = isTree(value) && isTree(out[key]) ? overlay(out[key] as Tree, value) : value;
  }
  return out;
}

export function setKey(tree: Tree, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = tree;
  for (const part of parts.slice(0, -1)) {
    if (!isTree(node[part])) node[part] = {};
    node = node[part] as Tree;
  }
  node[parts.at(-1) as string] = value;
}

export function getKey(tree: Tree, parts: readonly PropertyKey[]): unknown {
  let node: unknown = tree;
  for (const part of parts) node = isTree(node) ? node[String(part)] : undefined;
  return node;
}
