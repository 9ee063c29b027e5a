/**
 * Parsing of Kubernetes resource quantities and Neo4j memory sizes.
 *
 * Pure functions: the config module uses them to refuse values the API server
 * or Neo4j would reject, and to compare sizes (heap + page cache against the
 * memory limit, a new volume size against the old one).
 */

const binarySuffixes: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const decimalSuffixes: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

// The API server's grammar: a signless decimal number, then a binary suffix,
// a decimal suffix or a decimal exponent (e.g. "1e3").
const quantityPattern = /^(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

/** The value of a Kubernetes quantity in base units, or undefined if it does not parse. */
export function parseQuantity(text: string): number | undefined {
  const match = quantityPattern.exec(text);
  if (match === null) {
    return undefined;
  }
  const amount = Number(match[1]);
  const suffix = match[2] ?? "";
  if (suffix in binarySuffixes) {
    return amount * (binarySuffixes[suffix] as number);
  }
  if (suffix in decimalSuffixes) {
    return amount * (decimalSuffixes[suffix] as number);
  }
  return amount * 10 ** Number(suffix.slice(1));
}

const neo4jSizePattern = /^(\d+)([kKmMgG]?)$/;
const neo4jSuffixes: Readonly<Record<string, number>> = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };

/** Bytes of a Neo4j memory setting such as "64G" (Neo4j reads k, m and g as powers of 1024). */
export function parseNeo4jSize(text: string): number | undefined {
  const match = neo4jSizePattern.exec(text);
  if (match === null) {
    return undefined;
  }
  return Number(match[1]) * (neo4jSuffixes[(match[2] ?? "").toLowerCase()] as number);
}

/** A duration in Neo4j's setting syntax, e.g. "15m", "30s", "1h". */
export const neo4jDurationPattern = /^\d+(ms|s|m|h|d)$/;
