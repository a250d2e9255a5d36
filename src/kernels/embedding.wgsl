// Embedding lookup and its deterministic backward (no atomics). forward: out[r, d] = table[tokens[r], d]
// (0 for ids outside [0, V)). backward: `bucket` (one workgroup) stably counting-sorts the rows by
// token — ends[v] = end of v's run in `order`, rows ascending — then `gather` sums each run per (v, d).
struct Params { rows: u32, V: u32, D: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(3) var<storage, read> tokens: array<i32>;
// forward only
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> table: array<f32>;
// bucket only
@group(0) @binding(1) var<storage, read_write> ends: array<u32>;
@group(0) @binding(2) var<storage, read_write> order: array<u32>;
// gather only
@group(0) @binding(1) var<storage, read_write> dtable: array<f32>;
@group(0) @binding(2) var<storage, read> runEnds: array<u32>;
@group(0) @binding(3) var<storage, read> rowOrder: array<u32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;

const WG = 256u;

fn index(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i >= p.rows * p.D) { return; }
  let t = tokens[i / p.D];
  var v = 0.0;
  if (t >= 0 && u32(t) < p.V) { v = table[u32(t) * p.D + i % p.D]; }
  y[i] = v;
}

var<workgroup> tile: array<i32, WG>;
var<workgroup> scan: array<u32, WG>;

// Loads tokens [c, c + WG) into the tile (−1 past the end or out of range) and returns this
// invocation's token with the number of equal tokens before and after it in the chunk.
fn chunkRanks(c: u32, lid: u32) -> vec3i {
  var t = -1;
  if (c + lid < p.rows) {
    let v = tokens[c + lid];
    if (v >= 0 && u32(v) < p.V) { t = v; }
  }
  tile[lid] = t;
  workgroupBarrier();
  var before = 0;
  var after = 0;
  for (var j = 0u; j < WG; j++) {
    if (tile[j] == t) {
      if (j < lid) { before++; } else if (j > lid) { after++; }
    }
  }
  workgroupBarrier();
  return vec3i(t, before, after);
}

@compute @workgroup_size(WG)
fn bucket(@builtin(local_invocation_index) lid: u32) {
  for (var v = lid; v < p.V; v += WG) { ends[v] = 0u; }
  storageBarrier();
  // Count each token: the last of a run in the chunk adds the run's length.
  for (var c = 0u; c < p.rows; c += WG) {
    let k = chunkRanks(c, lid);
    if (k.x >= 0 && k.z == 0) { ends[k.x] += u32(k.y) + 1u; }
    storageBarrier();
  }
  // Exclusive scan of the counts: each invocation owns a contiguous segment of tokens.
  let per = (p.V + WG - 1u) / WG;
  let v0 = min(p.V, lid * per);
  let v1 = min(p.V, v0 + per);
  var total = 0u;
  for (var v = v0; v < v1; v++) { total += ends[v]; }
  scan[lid] = total;
  workgroupBarrier();
  for (var off = 1u; off < WG; off <<= 1u) {
    var add = 0u;
    if (lid >= off) { add = scan[lid - off]; }
    workgroupBarrier();
    scan[lid] += add;
    workgroupBarrier();
  }
  var start = scan[lid] - total;
  for (var v = v0; v < v1; v++) {
    let n = ends[v];
    ends[v] = start;
    start += n;
  }
  storageBarrier();
  // Place rows in ascending order; ends[v] advances from the run's start to its end.
  for (var c = 0u; c < p.rows; c += WG) {
    let k = chunkRanks(c, lid);
    if (k.x >= 0) { order[ends[k.x] + u32(k.y)] = c + lid; }
    storageBarrier();
    if (k.x >= 0 && k.z == 0) { ends[k.x] += u32(k.y) + 1u; }
    storageBarrier();
  }
}

@compute @workgroup_size(WG)
fn gather(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i >= p.V * p.D) { return; }
  let v = i / p.D;
  let d = i % p.D;
  var k = 0u;
  if (v > 0u) { k = runEnds[v - 1u]; }
  let end = runEnds[v];
  var s = 0.0;
  for (; k < end; k++) { s += dy[rowOrder[k] * p.D + d]; }
  if (p.accumulate == 1u) { dtable[i] += s; } else { dtable[i] = s; }
}
