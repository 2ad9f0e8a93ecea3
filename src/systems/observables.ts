import type { Observable } from './types.js';

/** mean, meansq, sum and every coordinate x0, x1, …: available on every system. */
export function standardObservables(dim: number): Observable[] {
  const obs: Observable[] = [
    {
      name: 'mean',
      description: '(1/n) Σ xᵢ',
      value: (x) => {
        let s = 0;
        for (let i = 0; i < dim; i++) s += x[i];
        return s / dim;
      },
      gradient: (_x, out) => out.fill(1 / dim),
    },
    {
      name: 'meansq',
      description: '(1/n) Σ xᵢ²',
      value: (x) => {
        let s = 0;
        for (let i = 0; i < dim; i++) s += x[i] * x[i];
        return s / dim;
      },
      gradient: (x, out) => {
        for (let i = 0; i < dim; i++) out[i] = (2 * x[i]) / dim;
      },
    },
    {
      name: 'sum',
      description: 'Σ xᵢ',
      value: (x) => {
        let s = 0;
        for (let i = 0; i < dim; i++) s += x[i];
        return s;
      },
      gradient: (_x, out) => out.fill(1),
    },
  ];
  for (let i = 0; i < dim; i++) obs.push(coordinate(`x${i}`, i));
  return obs;
}

/** The i-th coordinate as an observable (also used for named coordinates such as lorenz63's z). */
export function coordinate(name: string, i: number): Observable {
  return {
    name,
    description: `coordinate ${i}`,
    value: (x) => x[i],
    gradient: (_x, out) => {
      out.fill(0);
      out[i] = 1;
    },
  };
}
