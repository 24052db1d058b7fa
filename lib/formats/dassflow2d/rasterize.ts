/**
 * Cell values of a DassFlow-2D mesh on a regular grid: each pixel takes the value of the cell its
 * centre lies in (dry cells and pixels outside the mesh are nodata). Hand-written: the meshes are
 * small convex quads and triangles, and a GIS library for point-in-polygon would add megabytes to
 * the Lambda bundle. Row 0 is the north edge, as GeoTIFF stores it.
 */

import { extentOf } from '../../shared/extent';
import type { Mesh } from './mesh';

export const NODATA = -9999;

export interface Grid {
  readonly width: number;
  readonly height: number;
  /** West and north edges [m], in the case's coordinates. */
  readonly west: number;
  readonly north: number;
  readonly pixel: number;
  /** Row-major from the north-west corner; NODATA where dry or off the mesh. */
  readonly values: Float32Array;
}

/** The grid over the mesh's extent, at `pixel` metres (default: the smallest cell edge). */
export function gridFor(mesh: Mesh, pixel?: number): Omit<Grid, 'values'> {
  const xs = extentOf(mesh.nodes.map((node) => node.x));
  const ys = extentOf(mesh.nodes.map((node) => node.y));
  let size = pixel ?? Number.POSITIVE_INFINITY;
  if (pixel === undefined)
    for (const cell of mesh.cells)
      cell.nodes.forEach((id, k) => {
        const a = mesh.nodes[id - 1];
        const b = mesh.nodes[(cell.nodes[(k + 1) % cell.nodes.length] ?? id) - 1];
        if (a !== undefined && b !== undefined) size = Math.min(size, Math.hypot(b.x - a.x, b.y - a.y) || size);
      });
  return { west: xs.min, north: ys.max, pixel: size, width: Math.max(1, Math.round((xs.max - xs.min) / size)), height: Math.max(1, Math.round((ys.max - ys.min) / size)) };
}

/** Whether (x, y) is inside the convex polygon (either winding; edges count as inside). */
function inside(polygon: ReadonlyArray<{ x: number; y: number }>, x: number, y: number): boolean {
  let sign = 0;
  for (let k = 0; k < polygon.length; k++) {
    const a = polygon[k];
    const b = polygon[(k + 1) % polygon.length];
    if (a === undefined || b === undefined) return false;
    const cross = (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x);
    if (cross !== 0) {
      if (sign !== 0 && Math.sign(cross) !== sign) return false;
      sign = Math.sign(cross);
    }
  }
  return true;
}

/** `value(cell index)` per pixel; undefined values (dry cells) stay nodata. */
export function rasterize(mesh: Mesh, value: (cell: number) => number | undefined, pixel?: number): Grid {
  const grid = gridFor(mesh, pixel);
  const values = new Float32Array(grid.width * grid.height).fill(NODATA);
  mesh.cells.forEach((cell, index) => {
    const v = value(index);
    if (v === undefined) return;
    const polygon = cell.nodes.map((id) => mesh.nodes[id - 1] ?? { x: Number.NaN, y: Number.NaN, z: 0 });
    const minX = Math.min(...polygon.map((p) => p.x));
    const maxX = Math.max(...polygon.map((p) => p.x));
    const minY = Math.min(...polygon.map((p) => p.y));
    const maxY = Math.max(...polygon.map((p) => p.y));
    const firstColumn = Math.max(0, Math.floor((minX - grid.west) / grid.pixel));
    const lastColumn = Math.min(grid.width - 1, Math.ceil((maxX - grid.west) / grid.pixel));
    const firstRow = Math.max(0, Math.floor((grid.north - maxY) / grid.pixel));
    const lastRow = Math.min(grid.height - 1, Math.ceil((grid.north - minY) / grid.pixel));
    for (let row = firstRow; row <= lastRow; row++)
      for (let column = firstColumn; column <= lastColumn; column++) {
        const x = grid.west + (column + 0.5) * grid.pixel;
        const y = grid.north - (row + 0.5) * grid.pixel;
        if (inside(polygon, x, y)) values[row * grid.width + column] = v;
      }
  });
  return { ...grid, values };
}
