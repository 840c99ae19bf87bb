/**
 * Runs `work` with these environment variables set (undefined: removed), then puts them back.
 * Sluice reads its configuration from the environment when an app is created.
 */
export async function withEnv<T>(overrides: Record<string, string | undefined>, work: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(overrides).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(overrides);
  try {
    return await work();
  } finally {
    apply(saved);
  }
}
