/** A valid kernel.horizon unit payload (a tiny ni9 run), the base the poisoned payloads are made from. */
export const GOOD_HORIZON_PAYLOAD = {
  spec: { name: 'ni9', options: { noise: 0.5 } },
  objective: { kind: 'horizon', observable: 'mean', horizon: 5, samples: 10 },
  params: ['gamma'],
  seed: 1,
  stream: 0,
  options: { chunks: 2, baseline: true },
};
