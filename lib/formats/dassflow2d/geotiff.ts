/**
 * A depth grid as a GeoTIFF (float32, one band, GDAL_NODATA, pixel scale and tie point; the EPSG
 * code when the case gives one) through geotiff.js, which GDAL-style tools read.
 */
import { writeArrayBuffer } from 'geotiff';
import { type Grid, NODATA } from './rasterize';

/** GeoTIFF's codes: a projected model type, rasters whose pixels are areas. */
const MODEL_TYPE_PROJECTED = 1;
const RASTER_PIXEL_IS_AREA = 1;

export function depthGeoTiff(grid: Grid, epsg?: number): Uint8Array {
  const buffer = writeArrayBuffer(grid.values, {
    width: grid.width,
    height: grid.height,
    BitsPerSample: [32],
    SampleFormat: [3],
    ModelPixelScale: [grid.pixel, grid.pixel, 0],
    ModelTiepoint: [0, 0, 0, grid.west, grid.north, 0],
    GDAL_NODATA: String(NODATA),
    GTModelTypeGeoKey: MODEL_TYPE_PROJECTED,
    GTRasterTypeGeoKey: RASTER_PIXEL_IS_AREA,
    ...(epsg === undefined ? {} : { ProjectedCSTypeGeoKey: epsg }),
  });
  return new Uint8Array(buffer);
}
