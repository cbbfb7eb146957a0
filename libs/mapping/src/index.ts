export * from './map-lang';
export * from './map/route-map.schema';
export * from './map/route-map.compiler';
export * from './map/map-whole';
export * from './map/route-map.loader';
export * from './map/column.coercer';
export * from './propose';
