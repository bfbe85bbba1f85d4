type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Keeps only the granted fields of a v3 answer's data: "key" copies data.key; "key.sub" copies sub inside data.key,
 * element by element when it is an array. Nothing else ever leaves the gateway.
 */
export function project(data: Json, fields: string[]): Json {
  const result: Json = {};
  for (const field of fields) {
    const [key = '', sub] = field.split('.', 2);
    if (!(key in data)) continue;
    const value = data[key];
    if (sub === undefined) {
      result[key] = value;
    } else if (Array.isArray(value)) {
      const previous = Array.isArray(result[key]) ? (result[key] as Json[]) : value.map(() => ({}));
      result[key] = value.map((element, index) =>
        isObject(element) && sub in element ? { ...previous[index], [sub]: element[sub] } : previous[index],
      );
    } else if (isObject(value) && sub in value) {
      result[key] = { ...(isObject(result[key]) ? result[key] : {}), [sub]: value[sub] };
    }
  }
  return result;
}
